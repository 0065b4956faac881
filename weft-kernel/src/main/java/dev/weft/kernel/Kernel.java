package dev.weft.kernel;

import dev.weft.kernel.effect.BlobStore;
import dev.weft.kernel.effect.EffectExecutor;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.effect.Outcome;
import dev.weft.kernel.journal.JournalReader;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.machine.Applied;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Handler;
import dev.weft.kernel.machine.OutcomeEvent;
import dev.weft.kernel.machine.Transition;
import dev.weft.kernel.snapshot.Snapshot;
import dev.weft.kernel.snapshot.SnapshotStore;
import dev.weft.kernel.state.StateMap;
import dev.weft.kernel.stm.Speculative;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SortedMap;
import java.util.Timer;
import java.util.TimerTask;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live kernel over one journal directory: applies events with the pure handler (one at a time, or a
 * micro-batch speculatively with {@link #submitAllWithin}), appends each
 * with its state hash (group commit), releases effects only once their event is durable, turns effect
 * outcomes into new events, and snapshots the immutable state in the background.
 *
 * <p>Threads: callers of {@link #submit} (serialised by this object's monitor); the journal's writer thread,
 * which reports durability and releases effects without taking the monitor; effect completions, which
 * submit outcome events; snapshot writes on the shared pool. The directory is locked against a second kernel.
 */
public final class Kernel implements AutoCloseable {
  /**
   * Kernel settings: journal options, snapshot cadence, the bail retry policy, the last seq effects released at
   * open may take with their outcomes ({@link Long#MAX_VALUE}: no bound), and the workers for speculative
   * apply of micro-batches ({@link #submitAllWithin}; 0: apply them one event at a time).
   */
  public record Config(JournalWriter.Options journal, long snapshotEveryEvents, long snapshotEveryMillis,
      BailPolicy bails, long lastSeq, int speculativeWorkers) {
    public static Config defaults() {
      return new Config(JournalWriter.Options.defaults(), 100_000, 30_000, BailPolicy.defaults(), Long.MAX_VALUE, 0);
    }

    public Config withJournal(JournalWriter.Options options) {
      return new Config(options, snapshotEveryEvents, snapshotEveryMillis, bails, lastSeq, speculativeWorkers);
    }

    public Config withSnapshots(long everyEvents, long everyMillis) {
      return new Config(journal, everyEvents, everyMillis, bails, lastSeq, speculativeWorkers);
    }

    /** Effects left pending by an earlier run are released at open only as far as their outcomes fit. */
    public Config withLastSeq(long seq) {
      return new Config(journal, snapshotEveryEvents, snapshotEveryMillis, bails, seq, speculativeWorkers);
    }

    public Config withBails(BailPolicy policy) {
      return new Config(journal, snapshotEveryEvents, snapshotEveryMillis, policy, lastSeq, speculativeWorkers);
    }

    /** Micro-batches given to {@link #submitAllWithin} are applied with Block-STM on this many workers. */
    public Config withSpeculation(int workers) {
      return new Config(journal, snapshotEveryEvents, snapshotEveryMillis, bails, lastSeq, workers);
    }
  }

  /**
   * What happens when an effect bails (worker crash, I/O fault: nothing is journaled): it is run again up to
   * {@code retries} times, the first retry after {@code backoffMillis}, each further one after twice the
   * previous delay (capped at {@code maxBackoffMillis}); after that it stays pending until the journal is
   * next opened.
   */
  public record BailPolicy(int retries, long backoffMillis, long maxBackoffMillis) {
    public BailPolicy {
      if (retries < 0 || backoffMillis < 0 || maxBackoffMillis < backoffMillis) {
        throw new IllegalArgumentException("bail policy: retries and back-off must be >= 0 and max >= first, got "
            + retries + ", " + backoffMillis + ", " + maxBackoffMillis);
      }
    }

    public static BailPolicy defaults() {
      return new BailPolicy(3, 100, 5_000);
    }

    /** The delay before retry number {@code attempt} (1-based). */
    public long delayMillis(int attempt) {
      long d = backoffMillis;
      for (int i = 1; i < attempt && d < maxBackoffMillis; i++) {
        d *= 2;
      }
      return Math.min(d, maxBackoffMillis);
    }
  }

  /** What the kernel reports while it runs. Called from the writer thread or effect threads: must not block. */
  public interface Listener {
    /** Every record up to {@code seq} is durable. */
    default void durable(long seq) {}

    /** A one-line note (torn tail truncated, snapshot written, effect bailed). */
    default void note(String line) {}
  }

  private final Path dir;
  private final Handler handler;
  private final Config config;
  private final TaskPool pool;
  private final EffectExecutor pooled;
  private final EffectExecutor isolated;
  private final Listener listener;
  private final BlobStore blobs;
  private final SnapshotStore snapshots;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final JournalWriter writer;
  private final Restore.Restored restored;
  /** Block-STM for micro-batches, or null (config.speculativeWorkers() == 0); used under the monitor only. */
  private final Speculative speculative;
  /**
   * The kernel's one timer thread (daemon, cancelled by {@link #close}): the time-based snapshot trigger, so an
   * idle kernel still snapshots, and bail retries after their back-off. Its tasks only take the monitor or
   * hand work to an executor; they never block on I/O.
   */
  private final Timer timer;

  // guarded by this
  private StateMap state;
  private final SortedMap<Snapshot.EffectKey, EffectRequest> pending;
  private long lastSnapshotSeq;
  private long lastSnapshotNanos = System.nanoTime();
  private Task<Void> snapshotInFlight;
  /** Pending effects from an earlier run not released because their outcomes would pass config.lastSeq. */
  private final int heldBack;
  // Written under this; volatile because the writer thread reads it without the monitor (see releaseUpTo).
  private volatile boolean closed;

  /** Effects waiting for their event to become durable, in sequence order; guarded by itself. */
  private final ArrayDeque<Release> releases = new ArrayDeque<>();
  private final AtomicInteger inFlightEffects = new AtomicInteger();

  private record Release(Snapshot.EffectKey key, EffectRequest request) {}

  private Kernel(Path dir, Handler handler, Config config, TaskPool pool, EffectExecutor pooled,
      EffectExecutor isolated, Listener listener, dev.weft.kernel.effect.Computations computations) {
    this.dir = dir;
    this.handler = handler;
    this.config = config;
    this.pool = pool;
    this.pooled = pooled;
    this.isolated = isolated;
    this.listener = listener;
    this.blobs = new BlobStore(Restore.blobDir(dir));
    this.snapshots = new SnapshotStore(Restore.snapshotDir(dir));
    try {
      Files.createDirectories(dir);
      lockFile = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = tryLock(lockFile);
      if (lock == null) {
        lockFile.close();
        throw new UsageException(dir + ": journal is in use by another weft process");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Layout layout;
    JournalWriter opened;
    try {
      // An epoch creation or snapshot write that a crash or Ctrl-C cut short left only temporary files.
      Layout.recover(dir).forEach(listener::note);
      SnapshotStore.removeTemporaries(snapshots.dir()).forEach(listener::note);
      layout = Layout.read(dir);
      if (layout.epochs().isEmpty()) {
        Layout.createEpoch(dir, 1, 1, handler.code());
        layout = Layout.read(dir);
      }
      restored = Restore.run(layout, handler, computations, true, listener::note);
      JournalReader.Tail tail = restored.tail();
      if (tail != null) {
        listener.note("truncating " + tail.describe());
      }
      Layout.Epoch epoch = layout.current();
      List<Layout.Segment> segments = epoch.segments();
      Path last = null;
      long valid = 0;
      if (!segments.isEmpty()) {
        last = segments.getLast().path();
        valid = tail != null && tail.segment().path().equals(last) ? tail.validBytes() : JournalReader.dataEnd(segments.getLast());
      }
      opened = new JournalWriter(epoch.dir(), last, valid, restored.lastSeq(), config.journal(), this::durable);
    } catch (RuntimeException | Error e) {
      // Release the directory so a later open in this JVM (or a retry) is not refused as "in use".
      try {
        lock.release();
        lockFile.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    writer = opened;
    state = restored.state();
    pending = new TreeMap<>(restored.pending());
    lastSnapshotSeq = restored.startedAfter();
    // Effects requested before the restart whose outcomes never made it: their events are durable. Those
    // whose outcomes would pass the configured last seq stay pending for a later open.
    long room = Math.max(0, config.lastSeq() - restored.lastSeq());
    synchronized (releases) {
      pending.entrySet().stream().limit(room).forEach(e -> releases.add(new Release(e.getKey(), e.getValue())));
    }
    heldBack = (int) Math.max(0, pending.size() - room);
    speculative = config.speculativeWorkers() > 0
        ? Speculative.costAware(handler, pool, config.speculativeWorkers()) : null;
    long period = Math.max(10, config.snapshotEveryMillis() / 10);
    timer = new Timer("weft-kernel-timer", true); // last: nothing after it can fail and leak its thread
    timer.schedule(new TimerTask() {
      @Override
      public void run() {
        // A java.util.Timer dies with the first task that throws; report and keep the timer alive.
        try {
          snapshotIfIdleTooLong();
        } catch (RuntimeException | Error e) {
          listener.note("idle snapshot failed: " + e);
        }
      }
    }, period, period);
    releaseUpTo(restored.lastSeq());
  }

  /** The timer's snapshot trigger: the time-based rule without waiting for the next event. */
  private synchronized void snapshotIfIdleTooLong() {
    long seq = writer.nextSeq() - 1;
    if (!closed && seq > lastSnapshotSeq) {
      maybeSnapshot(seq);
    }
  }

  /**
   * Opens (creating if needed) the journal in {@code dir}, restores the state from the newest snapshot plus
   * the tail, and truncates a torn tail.
   *
   * @param isolated executor for {@link EffectRequest.Placement#WORKER} effects; null runs them on the pool
   */
  public static Kernel open(Path dir, Handler handler, Config config, TaskPool pool, EffectExecutor pooled,
      EffectExecutor isolated, Listener listener, dev.weft.kernel.effect.Computations computations) {
    return new Kernel(dir, handler, config, pool, pooled, isolated, listener, computations);
  }

  /** The lock, or null if another process (or another kernel in this JVM) holds it. */
  static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return null;
    }
  }

  /** What the restart found (snapshot used, events replayed, torn tail). */
  public Restore.Restored restored() {
    return restored;
  }

  /** Applies {@code event}, appends it and returns its sequence number (durable later; see the listener). */
  public long submit(Event event) {
    return submitWithin(event, Long.MAX_VALUE);
  }

  /**
   * Like {@link #submit}, but only if the journal can still end at or before {@code lastSeq}: every pending
   * effect will append exactly one outcome event, so {@code event} is admitted only if its own sequence number,
   * the pending effects and the effects it requests together fit. Otherwise nothing changes and -1 is returned.
   */
  public synchronized long submitWithin(Event event, long lastSeq) {
    if (closed) {
      throw new IllegalStateException("kernel is closed");
    }
    Applied applied = Transition.apply(handler, state, event);
    long seq = writer.nextSeq();
    long outcomesToCome = pending.size() - heldBack + applied.effects().size()
        - (event.type() == Event.OUTCOME ? 1 : 0);
    if (seq + outcomesToCome > lastSeq) {
      return -1;
    }
    if (event.type() == Event.OUTCOME) {
      OutcomeEvent o = OutcomeEvent.decode(event);
      pending.remove(new Snapshot.EffectKey(o.originSeq(), o.index()));
    }
    List<EffectRequest> effects = applied.effects();
    if (!effects.isEmpty()) {
      synchronized (releases) {
        for (int k = 0; k < effects.size(); k++) {
          Snapshot.EffectKey key = new Snapshot.EffectKey(seq, k);
          pending.put(key, effects.get(k));
          releases.add(new Release(key, effects.get(k)));
        }
      }
    }
    state = applied.state();
    long appended = writer.append(event.type(), state.hash(), event.body());
    if (appended != seq) {
      throw new IllegalStateException("journal assigned seq " + appended + ", expected " + seq);
    }
    maybeSnapshot(seq);
    return seq;
  }

  /** What {@link #submitAllWithin} appended: {@code count} events from {@code firstSeq} on (none: count 0). */
  public record Appended(long firstSeq, int count) {}

  /**
   * Submits a micro-batch (for instance the events that arrived within one group-commit window) as
   * {@link #submitWithin} would one by one, admitting the longest prefix that fits before {@code lastSeq}. With
   * {@link Config#withSpeculation} the batch is applied speculatively (Block-STM on the shared pool, falling
   * back to sequential when aborts exceed its threshold), then committed in order: each event is appended with
   * the state hash after it and its effects are registered in order, released once it is durable. The journal
   * and the state are exactly those of submitting the events one by one.
   */
  public synchronized Appended submitAllWithin(List<Event> events, long lastSeq) {
    if (closed) {
      throw new IllegalStateException("kernel is closed");
    }
    long first = writer.nextSeq();
    if (speculative == null || events.size() < 2) {
      int n = 0;
      while (n < events.size() && submitWithin(events.get(n), lastSeq) > 0) {
        n++;
      }
      return new Appended(first, n);
    }
    Speculative.Result r = speculative.apply(state, events);
    // Admission, event by event, exactly as submitWithin counts it.
    long outcomesToCome = pending.size() - heldBack;
    int admitted = 0;
    for (int i = 0; i < events.size(); i++) {
      outcomesToCome += r.effects().get(i).size() - (events.get(i).type() == Event.OUTCOME ? 1 : 0);
      if (first + i + outcomesToCome > lastSeq) {
        break;
      }
      admitted++;
    }
    if (admitted < events.size()) {
      // Only at the very end of a bounded run: the speculative result covers events that are not admitted,
      // so apply the admitted prefix again one by one (it fits: the same counts are checked).
      int n = 0;
      while (n < admitted && submitWithin(events.get(n), lastSeq) > 0) {
        n++;
      }
      return new Appended(first, n);
    }
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      long seq = first + i;
      if (event.type() == Event.OUTCOME) {
        OutcomeEvent o = OutcomeEvent.decode(event);
        pending.remove(new Snapshot.EffectKey(o.originSeq(), o.index()));
      }
      List<EffectRequest> effects = r.effects().get(i);
      if (!effects.isEmpty()) {
        synchronized (releases) {
          for (int k = 0; k < effects.size(); k++) {
            Snapshot.EffectKey key = new Snapshot.EffectKey(seq, k);
            pending.put(key, effects.get(k));
            releases.add(new Release(key, effects.get(k)));
          }
        }
      }
      long appended = writer.append(event.type(), r.hashes()[i], event.body());
      if (appended != seq) {
        throw new IllegalStateException("journal assigned seq " + appended + ", expected " + seq);
      }
    }
    state = r.state();
    maybeSnapshot(first + events.size() - 1);
    return new Appended(first, events.size());
  }

  /**
   * Micro-batches applied sequentially because speculation aborted too often or was slower than sequential
   * apply (timed probes included); 0 without speculation.
   */
  public synchronized long batchesFellBack() {
    return speculative == null ? 0 : speculative.windowsFellBack() + speculative.windowsSequentialForCost();
  }

  public synchronized StateMap state() {
    return state;
  }

  /** The sequence number of the last event submitted (0 for an empty journal); durable later. */
  public synchronized long lastSeq() {
    return writer.nextSeq() - 1;
  }

  public long durableSeq() {
    return writer.durableSeq();
  }

  public void awaitDurable(long seq) throws InterruptedException {
    writer.awaitDurable(seq);
  }

  /** Effects released and not yet turned into outcome events. */
  public int effectsInFlight() {
    return inFlightEffects.get();
  }

  /** Effects requested whose outcome is not journaled yet (released, waiting for durability, or held back). */
  public synchronized int pendingEffects() {
    return pending.size();
  }

  /** Effects left pending by an earlier run that this kernel does not release (see {@link Config#lastSeq}). */
  public int heldBackEffects() {
    return heldBack;
  }

  /**
   * Waits until every requested effect but those held back has its outcome journaled and durable, or
   * {@code timeoutMillis} passed. Returns true if none of them is left pending.
   */
  public boolean awaitEffects(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      long last;
      synchronized (this) {
        last = writer.nextSeq() - 1;
      }
      writer.awaitDurable(last);
      if (pendingEffects() == heldBack) {
        synchronized (this) {
          last = writer.nextSeq() - 1;
        }
        writer.awaitDurable(last);
        return true;
      }
      Thread.sleep(1);
    }
    return pendingEffects() == heldBack;
  }

  private void durable(long seq) {
    listener.durable(seq);
    releaseUpTo(seq);
  }

  /**
   * Output commit: starts effects whose originating event is durable (up to {@code seq}). After close (whose
   * final flush reports durability too) nothing is started: the outcome could not be journaled, and the
   * effect stays pending in the journal, to be released on the next start.
   */
  private void releaseUpTo(long seq) {
    while (!closed) {
      Release r;
      synchronized (releases) {
        if (releases.isEmpty() || releases.peekFirst().key().originSeq() > seq) {
          return;
        }
        r = releases.pollFirst();
      }
      inFlightEffects.incrementAndGet();
      start(r, 1);
    }
  }

  private void start(Release r, int attempt) {
    EffectExecutor executor = r.request().placement() == EffectRequest.Placement.WORKER && isolated != null
        ? isolated : pooled;
    // Outcomes are submitted from a virtual thread: never from the journal's writer thread (which may be
    // the completing thread), since submit can wait for the writer to free batch space.
    executor.run(r.request()).whenCompleteAsync((outcome, error) -> {
      if (closed) {
        // Shutting down (Ctrl-C, or the caller stopped waiting): executors closing after the kernel fail
        // their calls, which is expected. The effect stays pending; close() reports how many did.
        inFlightEffects.decrementAndGet();
        return;
      }
      Outcome o = error != null ? new Outcome.Bail(error.toString()) : outcome;
      if (o instanceof Outcome.Bail bail) {
        if (attempt <= config.bails().retries()) {
          long delay = config.bails().delayMillis(attempt);
          listener.note(r.key() + " bailed (" + bail.why() + "); retry " + attempt + " in " + delay + " ms");
          retryLater(r, attempt + 1, delay);
        } else {
          listener.note(r.key() + " bailed (" + bail.why() + "); left pending until the next start");
          inFlightEffects.decrementAndGet();
        }
        return;
      }
      try {
        submit(new OutcomeEvent(r.key().originSeq(), r.key().index(), record(r.request(), o)).toEvent());
      } catch (RuntimeException e) {
        if (!closed) { // closed in between: the effect stays pending, counted by close()
          listener.note(r.key() + ": outcome not journaled: " + e.getMessage());
        }
      } finally {
        inFlightEffects.decrementAndGet();
      }
    }, task -> Thread.ofVirtual().name("weft-kernel-outcome").start(task));
  }

  /** Starts {@code r} again after {@code delayMillis} on the kernel's timer (not at all once it is closed). */
  private void retryLater(Release r, int attempt, long delayMillis) {
    try {
      timer.schedule(new TimerTask() {
        @Override
        public void run() {
          if (closed) {
            inFlightEffects.decrementAndGet(); // stays pending; close() counted it
            return;
          }
          try {
            start(r, attempt);
          } catch (RuntimeException | Error e) {
            // Not thrown into the timer (it would die and take later retries and idle snapshots with it).
            inFlightEffects.decrementAndGet();
            listener.note(r.key() + ": retry not started, stays pending: " + e);
          }
        }
      }, delayMillis);
    } catch (IllegalStateException cancelled) {
      inFlightEffects.decrementAndGet(); // the kernel closed in between: the effect stays pending
    }
  }

  private OutcomeEvent.Recorded record(EffectRequest request, Outcome outcome) {
    return switch (outcome) {
      case Outcome.Value v -> switch (request.mode()) {
        case INLINE -> new OutcomeEvent.Inline(v.bytes());
        case BLOB -> new OutcomeEvent.Stored(blobs.put(v.bytes()), v.bytes().length);
        case REFERENCE -> new OutcomeEvent.Reference(BlobStore.sha256(v.bytes()), v.bytes().length);
      };
      case Outcome.Failed f -> new OutcomeEvent.Failed(f.exceptionClass(), f.message(), f.trace());
      case Outcome.TimedOut t -> new OutcomeEvent.TimedOut(t.after().toMillis());
      case Outcome.ResourceExceeded r -> new OutcomeEvent.ResourceExceeded(r.what());
      case Outcome.Bail b -> throw new IllegalStateException("bails are never journaled");
    };
  }

  private void maybeSnapshot(long seq) {
    boolean due = seq - lastSnapshotSeq >= config.snapshotEveryEvents()
        || (System.nanoTime() - lastSnapshotNanos) / 1_000_000 >= config.snapshotEveryMillis();
    if (!due || (snapshotInFlight != null && !snapshotInFlight.isDone())) {
      return;
    }
    Snapshot snap = new Snapshot(seq, state, new TreeMap<>(pending));
    lastSnapshotSeq = seq;
    lastSnapshotNanos = System.nanoTime();
    snapshotInFlight = pool.submit(() -> {
      writer.awaitDurable(seq); // a snapshot must never be ahead of the durable journal
      snapshots.write(snap);
      pruneSnapshots();
      return null;
    });
  }

  /** Keeps the two newest snapshots. */
  private void pruneSnapshots() throws IOException {
    List<Path> all = snapshots.list();
    for (int i = 2; i < all.size(); i++) {
      Files.deleteIfExists(all.get(i));
    }
  }

  /**
   * Stops releasing effects, flushes the journal, waits for a snapshot in flight and releases the directory.
   * Effects whose outcome is not journaled by then stay pending (they run again on the next start); one note
   * says how many. Close the kernel before the executors its effects run on.
   */
  @Override
  public void close() {
    Task<Void> snap;
    int left;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      snap = snapshotInFlight;
      left = pending.size() - heldBack; // the held-back ones are the caller's to report (heldBackEffects)
    }
    timer.cancel();
    try {
      writer.close();
      if (snap != null) {
        snap.awaitStopped();
      }
      if (left > 0) {
        listener.note(left + (left == 1 ? " effect" : " effects")
            + " left pending; released again when the journal is next opened");
      }
    } finally {
      try {
        lock.release();
        lockFile.close();
      } catch (IOException e) {
        listener.note("could not release " + dir.resolve("LOCK") + ": " + e.getMessage());
      }
    }
  }
}
