package dev.weft.cli;

import dev.weft.runtime.ExitCodes;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C handling: the first SIGINT interrupts the main thread, which cancels the running scope; the
 * command then cleans up (waits for its tasks, removes temporary files) and exits 130. A second SIGINT
 * halts at once.
 */
final class Interrupts {
  private static volatile boolean requested;

  private final Thread main;
  private final SignalHandler previous;
  private volatile int count;

  private Interrupts(Thread main) {
    this.main = main;
    this.previous = Signal.handle(new Signal("INT"), this::onSignal);
  }

  static Interrupts install() {
    return new Interrupts(Thread.currentThread());
  }

  /** True once the user pressed Ctrl-C. */
  static boolean requested() {
    return requested;
  }

  private void onSignal(Signal signal) {
    if (++count > 1) {
      System.err.println("\nweft: interrupted twice, stopping now");
      Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
    }
    requested = true;
    System.err.println("\nweft: cancelling (press Ctrl-C again to stop at once)…");
    main.interrupt();
  }

  void uninstall() {
    Signal.handle(new Signal("INT"), previous);
  }
}
