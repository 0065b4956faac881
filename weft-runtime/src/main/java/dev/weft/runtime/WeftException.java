package dev.weft.runtime;

/**
 * An error meant for the user: its message is one line naming what and where, and it carries the exit code
 * the CLI returns for it. Thrown across module boundaries instead of ad-hoc exceptions so every command
 * maps failures the same way (2 usage, 3 bad or corrupt data, 1 internal fault).
 */
public class WeftException extends RuntimeException {
  private final int exitCode;

  public WeftException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public WeftException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
