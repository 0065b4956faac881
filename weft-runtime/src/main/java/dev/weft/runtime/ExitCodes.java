package dev.weft.runtime;

/** The exit codes every weft command uses. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int INTERNAL = 1;
  public static final int USAGE = 2;
  public static final int BAD_DATA = 3;
  /** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
