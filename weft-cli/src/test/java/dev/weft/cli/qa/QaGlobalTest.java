package dev.weft.cli.qa;

import static dev.weft.cli.qa.Qa.oneLineError;
import static dev.weft.cli.qa.Qa.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.qa.Qa.Run;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** QA regression tests for global options and help. */
class QaGlobalTest {
  @Test
  void unknownCommandsAreBenchAreasAndLimitsAreUsageErrors() {
    oneLineError(weft("bogus"), 2, "bogus");
    oneLineError(weft("bench", "nosuch"), 2, "nosuch");
    oneLineError(weft("--limit", "ec.jobs=0", "oci", "ls"), 2, "ec.jobs");
    oneLineError(weft("--limit", "foo", "oci", "ls"), 2, "--limit");
    oneLineError(weft("--threads", "abc", "oci", "ls"), 2, "--threads");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "ec encode", "ec decode", "ec verify", "ec repair", "ec put", "ec get",
    "oci import", "oci ls", "oci inspect", "oci export", "oci unpack", "oci untag",
    "cat", "fsck", "gc", "kernel run", "kernel bench", "log show", "log verify", "log roll", "log chop",
    "analyze generate", "analyze adl", "analyze plot", "demo", "bench",
  })
  void everySubcommandHasHelp(String command) {
    String[] words = (command + " --help").split(" ");
    Run r = weft(words);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Usage: weft " + command), r.out());
    assertEquals("", r.err());
    assertTrue(r.out().contains("--help") && r.out().contains("Show this help message"), r.out());
  }
}
