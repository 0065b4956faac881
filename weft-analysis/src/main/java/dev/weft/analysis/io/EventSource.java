package dev.weft.analysis.io;

import dev.weft.analysis.columnar.Batch;

/**
 * A sequence of event batches read one chunk at a time. {@link #next()} is called by one thread at a
 * time; the batches it returns may then be processed on any thread.
 */
public interface EventSource extends AutoCloseable {
  /** The next chunk, or null at the end. Bad input throws {@link dev.weft.runtime.BadDataException}. */
  Batch next();

  /** What is being read, for messages. */
  String name();

  /** Number of events if known up front, else -1. */
  default long events() {
    return -1;
  }

  @Override
  default void close() {}
}
