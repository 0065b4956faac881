package dev.weft.cli;

import dev.weft.runtime.ExitCodes;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C handling for one command run: the first SIGINT interrupts the thread running the command, whose
 * scope then cancels its children and waits for them; the command cleans up (removes temporary files)
 * and {@link Main} exits 130. A second SIGINT halts at once. SIGTERM (a service manager stopping weft, a
 * {@code kill} of its process group) takes the same path and exits 143, so it too leaves no temporary files.
 *
 * <p>Per run rather than global, so tests can {@link #trigger()} it without touching the process's
 * signal handlers or leaving state behind for the next run.
 */
final class Interrupts {
  private final Thread target;
  private final PrintStream console;
  /** Where the "cancelling" notice goes once the command runs (its progress-aware stderr). */
  private volatile java.util.function.Supplier<java.io.PrintWriter> notices;
  private final AtomicInteger count = new AtomicInteger();
  private volatile boolean requested;
  private volatile int exitCode = ExitCodes.INTERRUPTED;
  private SignalHandler previous; // null unless installed
  private SignalHandler previousTerm; // null unless installed

  private Interrupts(Thread target, PrintStream console) {
    this.target = target;
    this.console = console;
  }

  /** Handles SIGINT for the calling thread until {@link #uninstall()}. */
  static Interrupts install() {
    Interrupts i = new Interrupts(Thread.currentThread(), System.err);
    try {
      i.previous = Signal.handle(new Signal("INT"), s -> i.trigger());
    } catch (IllegalArgumentException e) {
      // SIGINT is reserved (java -Xrs) or ignored: Ctrl-C then simply ends the JVM, as without us.
    }
    try {
      i.previousTerm = Signal.handle(new Signal("TERM"), s -> i.trigger(EXIT_ON_TERM));
    } catch (IllegalArgumentException e) {
      // SIGTERM reserved (java -Xrs): it ends the JVM through its shutdown hooks, as without us.
    }
    return i;
  }

  /** Not hooked to any signal: only {@link #trigger()} interrupts {@code target}. */
  static Interrupts forThread(Thread target, PrintStream console) {
    return new Interrupts(target, console);
  }

  /** 128 + SIGTERM, the shell's code for a process ended by SIGTERM. */
  static final int EXIT_ON_TERM = 143;

  /** The exit code of a cancelled run: 130 after SIGINT, 143 after SIGTERM. */
  int exitCode() {
    return exitCode;
  }

  /** True once Ctrl-C was pressed (or {@link #trigger()} called) during this run. */
  boolean requested() {
    return requested;
  }

  /** Sends the notices to {@code to} (the command's stderr, which keeps progress bars from drawing over them). */
  void noticesTo(java.util.function.Supplier<java.io.PrintWriter> to) {
    this.notices = to;
  }

  /** What a SIGINT does: first cancel the command, then, on a second one, halt. */
  void trigger() {
    trigger(ExitCodes.INTERRUPTED);
  }

  /** Cancels the command, to end with {@code code}; a second signal of either kind halts at once. */
  void trigger(int code) {
    if (count.incrementAndGet() > 1) {
      console.println("\nweft: interrupted twice, stopping now");
      Runtime.getRuntime().halt(exitCode);
    }
    exitCode = code;
    requested = true;
    String notice = "\nweft: cancelling (press Ctrl-C again to stop at once)…";
    java.util.function.Supplier<java.io.PrintWriter> to = notices;
    if (to != null) {
      java.io.PrintWriter w = to.get();
      w.println(notice);
      w.flush();
    } else {
      console.println(notice);
    }
    target.interrupt();
  }

  void uninstall() {
    if (previous != null) {
      Signal.handle(new Signal("INT"), previous);
      previous = null;
    }
    if (previousTerm != null) {
      Signal.handle(new Signal("TERM"), previousTerm);
      previousTerm = null;
    }
  }
}
