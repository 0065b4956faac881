package dev.weft.runtime.progress;

/**
 * Receives progress of long work. Called from any thread, possibly concurrently; implementations must be
 * thread-safe and cheap (the CLI's renderer only records numbers and draws on its own timer).
 */
public interface ProgressListener {
  /** A listener that ignores everything ({@code --quiet}, {@code --json}, tests). */
  ProgressListener NONE = new ProgressListener() {};

  /** A task began; its total may be unknown ({@link ProgressTask#total()} &lt; 0). */
  default void started(ProgressTask task) {}

  /** {@code delta} more units of the task are done. */
  default void advanced(ProgressTask task, long delta) {}

  /** The task completed normally. */
  default void finished(ProgressTask task) {}

  /** The task failed or was cancelled. */
  default void failed(ProgressTask task, Throwable cause) {}
}
