package dev.weft.kernel.journal;

/**
 * When an appended record counts as durable. See {@code docs/formats/journal.md} for what each survives.
 */
public enum Durability {
  /** fsync (fdatasync) after every record: survives power loss for every acknowledged record; slowest. */
  FSYNC_EACH,
  /** One fsync per group-commit batch (default): survives power loss for every acknowledged batch. */
  FSYNC_BATCH,
  /**
   * Written to the OS page cache, never fsynced: survives the process being killed (kill -9), but a power
   * loss or kernel crash may lose recently acknowledged records.
   */
  OS_CACHE
}
