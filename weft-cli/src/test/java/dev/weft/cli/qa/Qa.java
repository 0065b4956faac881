package dev.weft.cli.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Shared helpers of the QA regression tests: run the CLI in-process and check the error contract. */
final class Qa {
  private Qa() {}

  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * A progress report of the plain-lines renderer ("weft: TASK ..., 3 s"), which commands without --json or
   * --quiet draw every 2 s: a command that fails late on a slow machine has printed some first.
   */
  private static final java.util.regex.Pattern PROGRESS = java.util.regex.Pattern.compile("weft: .*, \\d+ s|weft:   … and \\d+ more");

  /**
   * Exit code as expected, stderr is exactly one "weft: ..." line mentioning {@code mention} (besides any
   * progress reports drawn before it), no stack trace.
   */
  static void oneLineError(Run r, int code, String mention) {
    assertEquals(code, r.code(), () -> "exit code; stderr:\n" + r.err());
    List<String> lines = r.errLines().stream().filter(l -> !PROGRESS.matcher(l).matches()).toList();
    assertEquals(1, lines.size(), () -> "expected one line on stderr:\n" + r.err());
    assertTrue(lines.getFirst().startsWith("weft: "), r.err());
    assertTrue(lines.getFirst().contains(mention), () -> "stderr should mention '" + mention + "':\n" + r.err());
    noStackTrace(r);
  }

  static void noStackTrace(Run r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in thread"), r.err());
    assertFalse(r.out().contains("\tat "), r.out());
  }

  static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static Path adlSample(String name) {
    Path p = Path.of("..", "data", "adl", name).toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(p), "ADL sample missing: " + p);
    return p;
  }
}
