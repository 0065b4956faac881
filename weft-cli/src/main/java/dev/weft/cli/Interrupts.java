package dev.weft.cli;

import dev.weft.runtime.ExitCodes;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C handling for one command run: the first SIGINT interrupts the thread running the command, whose
 * scope then cancels its children and waits for them; the command cleans up (removes temporary files)
 * and {@link Main} exits 130. A second SIGINT halts at once.
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
  private SignalHandler previous; // null unless installed

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
    return i;
  }

  /** Not hooked to any signal: only {@link #trigger()} interrupts {@code target}. */
  static Interrupts forThread(Thread target, PrintStream console) {
    return new Interrupts(target, console);
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
    if (count.incrementAndGet() > 1) {
      console.println("\nweft: interrupted twice, stopping now");
      Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
    }
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
  }
}
