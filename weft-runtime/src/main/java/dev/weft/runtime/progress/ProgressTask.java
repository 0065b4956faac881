package dev.weft.runtime.progress;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One piece of reported work, possibly nested under a parent ("import image" → "layer 3"). Thread-safe:
 * workers on the pool may advance the same task concurrently. Closing a task that was neither finished
 * nor failed finishes it.
 */
public final class ProgressTask implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final int id = IDS.incrementAndGet();
  private final ProgressTask parent;
  private final String name;
  private final String unit;
  private final AtomicLong total;
  private final AtomicLong done = new AtomicLong();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final ProgressListener listener;

  private ProgressTask(ProgressListener listener, ProgressTask parent, String name, long total, String unit) {
    this.listener = listener;
    this.parent = parent;
    this.name = name;
    this.total = new AtomicLong(total);
    this.unit = unit;
    listener.started(this);
  }

  /**
   * Starts a top-level task.
   *
   * @param total the amount of work in {@code unit}s, or -1 if unknown
   * @param unit e.g. {@code bytes}, {@code events}, {@code layers}
   */
  public static ProgressTask start(ProgressListener listener, String name, long total, String unit) {
    return new ProgressTask(listener, null, name, total, unit);
  }

  /** Starts a nested task reported to the same listener. */
  public ProgressTask child(String name, long total, String unit) {
    return new ProgressTask(listener, this, name, total, unit);
  }

  public void advance(long delta) {
    if (delta != 0) {
      done.addAndGet(delta);
      listener.advanced(this, delta);
    }
  }

  /** Raises the total when more work is discovered. */
  public void addTotal(long more) {
    total.accumulateAndGet(more, (t, m) -> t < 0 ? m : t + m);
  }

  public void finish() {
    if (ended.compareAndSet(false, true)) {
      listener.finished(this);
    }
  }

  public void fail(Throwable cause) {
    if (ended.compareAndSet(false, true)) {
      listener.failed(this, cause);
    }
  }

  @Override
  public void close() {
    finish();
  }

  public int id() {
    return id;
  }

  /** The enclosing task, or null for a top-level one. */
  public ProgressTask parent() {
    return parent;
  }

  public String name() {
    return name;
  }

  public String unit() {
    return unit;
  }

  /** The total in units, or a negative number when unknown. */
  public long total() {
    return total.get();
  }

  public long done() {
    return done.get();
  }

  public boolean isEnded() {
    return ended.get();
  }
}
