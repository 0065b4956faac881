package dev.weft.runtime;

/** Corrupt, truncated or hostile input data (a tar, a manifest, a journal, a Parquet file): exit code 3. */
public class BadDataException extends WeftException {
  public BadDataException(String message) {
    super(ExitCodes.BAD_DATA, message);
  }

  public BadDataException(String message, Throwable cause) {
    super(ExitCodes.BAD_DATA, message, cause);
  }
}
