package dev.weft.analysis.frame;

import java.util.List;

/** A booked action: it fills per chunk and combines its partial results once the pass is over. */
abstract class Action {
  final DataFrame node;

  Action(DataFrame node) {
    this.node = node;
  }

  /** Called once before the pass, on the booking thread. */
  void start(FillMode mode) {}

  /** Called once per pool thread, on that thread; the state it returns is only touched by that thread. */
  abstract Object newThreadState();

  /** Processes one chunk with the calling thread's state. */
  abstract void fill(ChunkEval chunk, int chunkIndex, Object state);

  /** Combines the threads' states once every chunk is done. */
  abstract void finish(List<Object> states);
}
