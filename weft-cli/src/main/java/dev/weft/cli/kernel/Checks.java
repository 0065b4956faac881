package dev.weft.cli.kernel;

import dev.weft.runtime.UsageException;

/** Range checks for numeric options, shared by the kernel and log commands. */
final class Checks {
  private Checks() {}

  /** Names the first offending option and its value (exit 2), so each message points at one fix. */
  static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw new UsageException(option + " must be at least " + min + ", got " + value);
    }
  }

  static void atMost(String option, long value, long max) {
    if (value > max) {
      throw new UsageException(option + " must be at most " + max + ", got " + value);
    }
  }
}
