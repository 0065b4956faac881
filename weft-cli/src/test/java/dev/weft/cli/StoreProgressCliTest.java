package dev.weft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.progress.EagerLines;
import dev.weft.store.oci.TestImagesForCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code oci export} and {@code fsck} report progress as import does: plain lines off a terminal, none with --quiet. */
class StoreProgressCliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  /**
   * Runs a command whose progress goes to the plain-lines renderer, drawn eagerly (see {@link EagerLines});
   * the choice of renderer by --quiet, --json and the terminal is MainTest's.
   */
  private Run withProgressLines(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    CliContext ctx = ((WeftCommand) cli.getCommand()).context();
    ctx.setProgress(EagerLines.to(new PrintWriter(err, true)));
    int code;
    try {
      code = cli.execute(args);
    } finally {
      ctx.close();
    }
    return new Run(code, out.toString(), err.toString());
  }

  private static Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertLine(String pattern, String err) {
    assertTrue(Pattern.compile(pattern, Pattern.MULTILINE).matcher(err).find(), pattern + " in:\n" + err);
  }

  @Test
  void exportAndFsckShowProgressLinesAndNoneWithQuiet() throws Exception {
    String repo = dir.resolve("repo").toString();
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    assertEquals(0, weft("--quiet", "--repo", repo, "oci", "import", layout + ":v1", "--name", "img").code());

    Run export = withProgressLines("--repo", repo, "oci", "export", "img", dir.resolve("out").toString());
    assertEquals(0, export.code(), export.err());
    assertLine("^weft: export img +\\d+% .+ of .+, \\d+ s$", export.err());
    assertLine("^weft:   layer sha256:[0-9a-f]{12} +\\d+% .+ of .+, \\d+ s$", export.err());

    Run fsck = withProgressLines("--repo", repo, "fsck");
    assertEquals(0, fsck.code(), fsck.err());
    assertLine("^weft: fsck: re-hash objects +\\d+% [\\d,]+ objects of [\\d,]+ objects, \\d+ s$", fsck.err());
    assertLine("^weft: fsck: rebuild OCI streams +\\d+% .+ of .+, \\d+ s$", fsck.err());

    for (String quiet : new String[] {"--quiet", "--json"}) {
      Run e = weft(quiet, "--repo", repo, "oci", "export", "img", dir.resolve("out" + quiet).toString());
      Run f = weft(quiet, "--repo", repo, "fsck");
      assertEquals(0, e.code(), e.err());
      assertEquals(0, f.code(), f.err());
      assertEquals("", e.err() + f.err(), quiet);
    }
  }
}
