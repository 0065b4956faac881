package dev.weft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.progress.ProgressRenderer;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.ExitCodes;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.progress.ProgressListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line's contract: global options, one-line errors and the exit codes 0, 2, 3, 1 and 130. */
class MainTest {
  /** What one run printed and returned. */
  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "4096"})
  void threadsInRangeAreAccepted(String threads) {
    Run r = run("--threads", threads, "bench");
    assertEquals(ExitCodes.OK, r.code(), r.err());
    assertEquals("", r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "4097", "x", "99999999999"})
  void threadsOutOfRangeAreOneLineUsageErrors(String threads) {
    Run r = run("--threads", threads, "bench");
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("weft: ") && r.err().contains("--threads"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void threadsAfterTheSubcommandAreCheckedToo() {
    assertEquals(ExitCodes.USAGE, run("bench", "--threads", "-5").code());
    assertEquals(ExitCodes.OK, run("bench", "--threads", "2").code());
  }

  @Test
  void unknownBenchAreaIsAUsageErrorNamingIt() {
    Run r = run("bench", "no-such-area");
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(List.of("weft: unknown benchmark area 'no-such-area'; known: "), r.errLines());
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    Run cmd = run("frobnicate");
    assertEquals(ExitCodes.USAGE, cmd.code());
    assertEquals(1, cmd.errLines().size(), cmd.err());
    assertTrue(cmd.err().contains("frobnicate") && cmd.err().endsWith("(see 'weft --help')" + System.lineSeparator()), cmd.err());
    Run opt = run("bench", "--no-such-option");
    assertEquals(ExitCodes.USAGE, opt.code());
    assertTrue(opt.err().contains("--no-such-option") && opt.err().contains("weft bench --help"), opt.err());
  }

  @Test
  void noCommandIsAUsageErrorWithTheUsageOnStderr() {
    Run r = run();
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().contains("Commands:"), r.err());
    assertTrue(r.err().strip().endsWith("weft: a command is required (see the list above)"), r.err());
  }

  @Test
  void helpAndVersionExitZero() {
    Run help = run("--help");
    assertEquals(ExitCodes.OK, help.code());
    assertTrue(help.out().contains("--threads") && help.out().contains("Exit codes"), help.out());
    Run version = run("--version");
    assertEquals(ExitCodes.OK, version.code());
    assertTrue(version.out().startsWith("weft "), version.out());
  }

  @Test
  void limitOverridesAreCheckedAndUnusedOnesReported() {
    Run bad = run("--limit", "ec.jobs=0", "bench");
    assertEquals(ExitCodes.USAGE, bad.code());
    assertEquals(List.of("weft: --limit ec.jobs=0: a limit must be at least 1"), bad.errLines());
    assertEquals(ExitCodes.USAGE, run("--limit", "ec.jobs=many", "bench").code());
    Run unknown = run("--limit", "no.such.limit=3", "bench");
    assertEquals(ExitCodes.USAGE, unknown.code(), "an undeclared name is refused before any command runs");
    assertTrue(unknown.err().startsWith("weft: --limit no.such.limit: unknown limit; known limits: "), unknown.err());
    assertEquals("", run("--limit", "kernel.effects=3", "bench").err(), "listing areas never starts the pool");

    // A command that started the pool had the chance to ask for the limit: if it did not, say so.
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.parseArgs("--limit", "kernel.effects=3", "--limit", "ec.jobs=2", "bench");
    try (CliContext ctx = ((WeftCommand) cli.getCommand()).context()) {
      assertEquals(2, ctx.pool().limits().limit("ec.jobs", 8).permits());
    }
    assertEquals("weft: warning: --limit kernel.effects not used by this command", err.toString().strip());
  }

  @Test
  void afterCtrlCOnlyCancelledIsPrintedWhateverTheFailure() {
    // U6: the interrupt surfaces through parquet-java as an unreadable sample; the user pressed Ctrl-C.
    Run r = handle(new BadDataException("sample.parquet: cannot read the sample events (Can not read value at 0)"),
        false, true);
    assertEquals(ExitCodes.INTERRUPTED, r.code());
    assertEquals(List.of("weft: cancelled"), r.errLines());
    Run io = handle(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("x")), false, true);
    assertEquals(List.of("weft: cancelled"), io.errLines());
  }

  @Test
  void fileSystemErrorsOnTemporaryNamesNameTheDirectory() {
    Run r = handle(new java.io.UncheckedIOException(new java.nio.file.AccessDeniedException("/data/out/.tmp-x.bin-42.part")),
        false, false);
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(List.of("weft: cannot create files in /data/out: permission denied"), r.errLines());
  }

  private static Run handle(Throwable failure, boolean debug, boolean interruptRequested) {
    StringWriter err = new StringWriter();
    int code = Main.exitCodeFor(failure, new PrintWriter(err, true), debug, interruptRequested);
    return new Run(code, "", err.toString());
  }

  @Test
  void handlerMapsFailuresToExitCodesWithOneLine() {
    Run bad = handle(new BadDataException("layer.tar: truncated header at byte 1536"), false, false);
    assertEquals(ExitCodes.BAD_DATA, bad.code());
    assertEquals(List.of("weft: layer.tar: truncated header at byte 1536"), bad.errLines());

    Run wrapped = handle(new CompletionException(new BadDataException("journal: bad checksum in entry 7")), false, false);
    assertEquals(ExitCodes.BAD_DATA, wrapped.code(), "failures from pool tasks are unwrapped");

    assertEquals(ExitCodes.USAGE, handle(new UsageException("--k must be 1..255"), false, false).code());
    Run missing = handle(new NoSuchFileException("/nope/image"), false, false);
    assertEquals(ExitCodes.USAGE, missing.code());
    assertEquals(List.of("weft: /nope/image: no such file or directory"), missing.errLines());

    Run inTheWay = handle(new java.nio.file.FileAlreadyExistsException("/etc/hostname"), false, false);
    assertEquals(ExitCodes.USAGE, inTheWay.code(), "an existing file where a directory is needed is a usage error");
    assertEquals(1, inTheWay.errLines().size(), inTheWay.err());
    assertTrue(inTheWay.err().startsWith("weft: /etc/hostname: is in the way"), inTheWay.err());
    assertEquals(ExitCodes.USAGE, handle(new java.nio.file.NotDirectoryException("/etc/hostname/x"), false, false).code());
    assertEquals(ExitCodes.USAGE, handle(new java.nio.file.AccessDeniedException("/root/x"), false, false).code());
    assertEquals(ExitCodes.INTERRUPTED,
        handle(new java.nio.channels.ClosedByInterruptException(), false, false).code(),
        "an interrupted channel is a cancel, not an I/O fault");

    Run internal = handle(new IllegalStateException("invariant broken"), false, false);
    assertEquals(ExitCodes.INTERNAL, internal.code());
    assertEquals(1, internal.errLines().size(), internal.err());
    assertFalse(internal.err().contains("\tat "), "no stack trace without --debug");

    Run debug = handle(new IllegalStateException("invariant broken"), true, false);
    assertEquals(ExitCodes.INTERNAL, debug.code());
    assertTrue(debug.err().contains("\tat "), "--debug shows the stack trace");

    assertEquals(ExitCodes.INTERRUPTED, handle(new CancellationException("cancelled"), false, false).code());
    assertEquals(ExitCodes.INTERRUPTED, handle(new java.io.IOException("closed by interrupt"), false, true).code(),
        "after Ctrl-C any failure is reported as the cancellation it is");
  }

  @Test
  void ctrlCCancelsTheRunningScopeAndMapsTo130() throws Exception {
    try (dev.weft.runtime.pool.TaskPool pool = dev.weft.runtime.pool.TaskPool.create(2)) {
      java.util.concurrent.CountDownLatch childrenStarted = new java.util.concurrent.CountDownLatch(2);
      java.util.concurrent.atomic.AtomicInteger childrenStopped = new java.util.concurrent.atomic.AtomicInteger();
      int[] code = {-1};
      int[] stoppedWhenMapped = {-1};
      StringWriter err = new StringWriter();
      Thread command = Thread.ofPlatform().unstarted(() -> {
        try (dev.weft.runtime.pool.Scope scope = pool.openScope()) {
          for (int i = 0; i < 2; i++) {
            scope.fork(() -> {
              childrenStarted.countDown();
              try {
                Thread.sleep(60_000);
              } finally {
                childrenStopped.incrementAndGet();
              }
              return null;
            });
          }
          scope.join();
        } catch (RuntimeException e) {
          stoppedWhenMapped[0] = childrenStopped.get();
          code[0] = Main.exitCodeFor(e, new PrintWriter(err, true), false, true);
        }
      });
      Interrupts interrupts = Interrupts.forThread(command, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      StringWriter notices = new StringWriter();
      interrupts.noticesTo(() -> new PrintWriter(notices, true));
      command.start();
      childrenStarted.await();
      interrupts.trigger();
      assertEquals("weft: cancelling (press Ctrl-C again to stop at once)…", notices.toString().strip());
      command.join(30_000); // sleeping children stop at the interrupt; the bound is for a hang only
      assertFalse(command.isAlive());
      assertTrue(interrupts.requested());
      assertEquals(2, stoppedWhenMapped[0], "the scope waited for its children before the command failed");
      assertEquals(ExitCodes.INTERRUPTED, code[0]);
      assertEquals("weft: cancelled", err.toString().strip());
    }
  }

  @Test
  void ctrlCDuringACommandThatFinishesAnywayStillExits130() {
    Interrupts interrupts = Interrupts.forThread(Thread.currentThread(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    interrupts.trigger();
    StringWriter err = new StringWriter();
    int code;
    try {
      code = Main.run(new String[] {"bench"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true), interrupts);
    } finally {
      Thread.interrupted(); // do not leak the simulated Ctrl-C into the next test
    }
    assertEquals(ExitCodes.INTERRUPTED, code);
    assertEquals("weft: cancelled", err.toString().strip());
  }

  @Test
  void sigtermTakesTheCancelPathAndExits143() {
    Interrupts interrupts = Interrupts.forThread(Thread.currentThread(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    interrupts.trigger(Interrupts.EXIT_ON_TERM);
    StringWriter err = new StringWriter();
    int code;
    try {
      code = Main.run(new String[] {"bench"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true), interrupts);
    } finally {
      Thread.interrupted(); // do not leak the simulated signal into the next test
    }
    assertEquals(143, code);
    assertEquals("weft: cancelled", err.toString().strip());
  }

  @Test
  void progressIsSilentWithJsonOrQuietAndRenderedOtherwise() {
    for (String flag : new String[] {"--json", "--quiet", "-q"}) {
      CommandLine cli = Main.commandLine();
      cli.parseArgs(flag, "bench");
      try (CliContext ctx = ((WeftCommand) cli.getCommand()).context()) {
        assertSame(ProgressListener.NONE, ctx.progress(), flag);
      }
    }
    CommandLine cli = Main.commandLine();
    cli.parseArgs("bench");
    try (CliContext ctx = ((WeftCommand) cli.getCommand()).context()) {
      assertInstanceOf(ProgressRenderer.class, ctx.progress());
    }
  }
}
