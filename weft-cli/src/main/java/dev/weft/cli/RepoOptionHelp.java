package dev.weft.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code --repo} help of each command that uses the repository. {@code --repo} is one global option
 * (inherited by every command, so it may come before or after the command name), but only the commands
 * that add data create a repository; the others must be told one that exists. Their inherited copy of the
 * option gets its own description; it stays bound to the same {@link GlobalOptions} field.
 */
final class RepoOptionHelp {
  private static final String DIR = "Repository directory (default: $WEFT_REPO, else weft-repo in the working directory)";
  private static final String CREATES = DIR + "; created on first use.";
  private static final String MUST_EXIST = DIR + "; must exist: this command never creates one "
      + "(exit 2 if DIR does not exist, 3 if it is not a repository).";
  private static final String NOT_WITH_STORE = " Not used with --store.";

  /** Qualified command name → its --repo description; commands not listed keep the global text. */
  private static final Map<String, String> HELP = Map.ofEntries(
      Map.entry("weft oci import", CREATES),
      Map.entry("weft put", CREATES + NOT_WITH_STORE),
      Map.entry("weft ec put", CREATES + NOT_WITH_STORE),
      Map.entry("weft oci ls", MUST_EXIST),
      Map.entry("weft oci inspect", MUST_EXIST),
      Map.entry("weft oci export", MUST_EXIST),
      Map.entry("weft oci unpack", MUST_EXIST),
      Map.entry("weft oci untag", MUST_EXIST),
      Map.entry("weft cat", MUST_EXIST),
      Map.entry("weft fsck", MUST_EXIST),
      Map.entry("weft gc", MUST_EXIST),
      Map.entry("weft get", MUST_EXIST + NOT_WITH_STORE),
      Map.entry("weft ec get", MUST_EXIST + NOT_WITH_STORE),
      Map.entry("weft rm", MUST_EXIST),
      Map.entry("weft ec rm", MUST_EXIST));

  private RepoOptionHelp() {}

  /** Rewrites the {@code --repo} description of every command in {@link #HELP}; call once the tree is built. */
  static void apply(CommandLine root) {
    for (CommandLine sub : root.getSubcommands().values()) {
      apply(sub);
    }
    CommandSpec spec = root.getCommandSpec();
    String text = HELP.get(spec.qualifiedName());
    OptionSpec repo = spec.findOption("--repo");
    if (text == null || repo == null || !root.getSubcommands().isEmpty()) {
      return; // only leaves: adding an inherited option to a parent would copy it to its children again
    }
    spec.remove(repo);
    spec.addOption(repo.toBuilder().description(text).build());
  }
}
