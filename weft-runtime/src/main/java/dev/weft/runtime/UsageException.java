package dev.weft.runtime;

/** A wrong argument or option combination: exit code 2. */
public class UsageException extends WeftException {
  public UsageException(String message) {
    super(ExitCodes.USAGE, message);
  }
}
