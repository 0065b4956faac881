package dev.weft.kernel;

import dev.weft.kernel.effect.BlobStore;
import dev.weft.kernel.effect.Computation;
import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.journal.JournalReader;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Handler;
import dev.weft.kernel.machine.OutcomeEvent;
import dev.weft.kernel.machine.Transition;
import dev.weft.kernel.snapshot.Snapshot;
import dev.weft.kernel.snapshot.SnapshotStore;
import dev.weft.kernel.state.StateMap;
import dev.weft.kernel.stm.Speculative;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Rebuilds the state from the journal: from the start of the oldest epoch (or the newest usable snapshot),
 * applying every event and checking the state hash recorded with it. Values journaled as references are
 * recomputed and checked against their hash when the computation is registered. The first mismatch throws a
 * {@link BadDataException} naming the sequence number.
 */
public final class Restore {
  private Restore() {}

  /** The rebuilt state and what the journal looked like. */
  public record Restored(StateMap state, SortedMap<Snapshot.EffectKey, EffectRequest> pending, long firstSeq,
      long lastSeq, long replayed, long startedAfter, JournalReader.Tail tail, long referencesChecked) {}

  /** Files under the journal directory. */
  public static Path snapshotDir(Path journal) {
    return journal.resolve("snapshots");
  }

  public static Path blobDir(Path journal) {
    return journal.resolve("blobs");
  }

  static final String BASE_SNAPSHOT = "base.snap";

  /**
   * @param fromSnapshot start from the newest usable snapshot instead of the start of the oldest epoch
   * @param notes receives one-line notes (a skipped damaged snapshot)
   */
  public static Restored run(Layout layout, Handler handler, Computations computations, boolean fromSnapshot,
      Consumer<String> notes) {
    return run(layout, handler, computations, fromSnapshot, notes, null);
  }

  /**
   * As {@link #run(Layout, Handler, Computations, boolean, Consumer)}, applying windows of events with
   * {@code speculative} (Block-STM) when it is not null; the per-event hash checks are the same.
   */
  public static Restored run(Layout layout, Handler handler, Computations computations, boolean fromSnapshot,
      Consumer<String> notes, Speculative speculative) {
    return run(layout, handler, computations, fromSnapshot, notes, speculative, ProgressListener.NONE);
  }

  /** As above, reporting the records replayed as a progress task "replay" (unit: events). */
  public static Restored run(Layout layout, Handler handler, Computations computations, boolean fromSnapshot,
      Consumer<String> notes, Speculative speculative, ProgressListener progress) {
    Snapshot base = baseOfFirstEpoch(layout);
    if (fromSnapshot) {
      for (Path file : new SnapshotStore(snapshotDir(layout.dir())).list()) {
        if (SnapshotStore.seqOf(file) < base.seq()) {
          break;
        }
        try {
          base = SnapshotStore.read(file);
          break;
        } catch (IOException e) {
          notes.accept("skipping snapshot " + file.getFileName() + ": " + e.getMessage());
        }
      }
    }
    Replayer replayer = new Replayer(handler, computations, new BlobStore(blobDir(layout.dir())), base, speculative);
    JournalReader.Scan scan;
    try (ProgressTask task = ProgressTask.start(progress, "replay " + layout.dir().getFileName(), -1, "events")) {
      long[] counted = new long[1];
      try {
        scan = JournalReader.read(layout, base.seq() + 1, (seq, type, hash, body) -> {
          replayer.record(seq, type, hash, body);
          if ((++counted[0] & 0xFFFF) == 0) {
            task.advance(0x10000);
          }
        });
        replayer.finish();
      } catch (RuntimeException e) {
        task.fail(e);
        throw e;
      }
      task.advance(counted[0] & 0xFFFF);
    }
    checkEnd(layout, scan, base.seq());
    return new Restored(replayer.state, replayer.pending, scan.firstSeq(), scan.lastSeq(), scan.records(),
        base.seq(), scan.tail(), replayer.referencesChecked);
  }

  /**
   * The highest sequence number the directory proves was once durable in the journal, and what proves it.
   * Evidence: snapshot files (a snapshot is written only after its sequence number is durable; the name is
   * enough, a damaged snapshot still proves the journal reached it), and the newest epoch's first sequence
   * number (an epoch starts after the previous one ended). Zero when there is no evidence.
   */
  public record KnownEnd(long seq, String evidence) {}

  /** See {@link KnownEnd}. */
  public static KnownEnd knownEnd(Layout layout) {
    KnownEnd known = new KnownEnd(0, "nothing");
    List<Path> snaps = new SnapshotStore(snapshotDir(layout.dir())).list();
    if (!snaps.isEmpty() && SnapshotStore.seqOf(snaps.getFirst()) > known.seq()) {
      long seq = SnapshotStore.seqOf(snaps.getFirst());
      known = new KnownEnd(seq, "snapshot at seq " + seq + " (" + snapshotDir(layout.dir()).getFileName() + "/"
          + snaps.getFirst().getFileName() + ")");
    }
    Layout.Epoch current = layout.current();
    if (current != null && current.firstSeq() - 1 > known.seq()) {
      known = new KnownEnd(current.firstSeq() - 1, current.dir().getFileName() + " (starting at seq "
          + current.firstSeq() + ") after seq " + (current.firstSeq() - 1));
    }
    return known;
  }

  /**
   * Fails with exit 3 when the journal read by {@code scan} ends before what the directory proves it held
   * ({@link #knownEnd}, or {@code baseSeq}, the snapshot replay started from): segments were deleted or cut
   * short, and replaying what remains would give a wrong state, not an error. Shared by every replay
   * ({@code weft kernel run}, {@code weft log verify}, roll).
   */
  public static void checkEnd(Layout layout, JournalReader.Scan scan, long baseSeq) {
    KnownEnd known = knownEnd(layout);
    if (baseSeq > known.seq()) {
      known = new KnownEnd(baseSeq, "snapshot at seq " + baseSeq);
    }
    if (scan.lastSeq() >= known.seq()) {
      return;
    }
    List<Layout.Segment> segments = layout.segments();
    String where;
    if (scan.tail() != null) {
      where = "in segment " + scan.tail().segment().name() + ", cut short (" + scan.tail().reason() + ")";
    } else if (segments.isEmpty()) {
      where = "with no segment files left";
    } else {
      where = "in segment " + segments.getLast().name();
    }
    throw new BadDataException(layout.dir() + ": " + known.evidence() + " is ahead of the journal, which ends at seq "
        + scan.lastSeq() + " " + where + ": seq " + (scan.lastSeq() + 1) + ".." + known.seq()
        + " are missing (segments deleted or cut short)");
  }

  /** The state before the oldest epoch: empty for a journal starting at seq 1, else its base snapshot. */
  static Snapshot baseOfFirstEpoch(Layout layout) {
    long first = layout.firstSeq();
    if (first <= 1) {
      return new Snapshot(0, StateMap.empty(), new TreeMap<>());
    }
    Path file = layout.epochs().getFirst().dir().resolve(BASE_SNAPSHOT);
    if (!Files.exists(file)) {
      throw new BadDataException(file + ": missing; the journal starts at seq " + first + " and needs it");
    }
    try {
      Snapshot s = SnapshotStore.read(file);
      if (s.seq() != first - 1) {
        throw new BadDataException(file + ": holds seq " + s.seq() + ", expected " + (first - 1));
      }
      return s;
    } catch (IOException e) {
      throw new BadDataException(file + ": " + e.getMessage());
    }
  }

  /** Events per speculative window in replay. */
  static final int WINDOW = 16_384;

  /** Applies and checks records as the reader delivers them. */
  static final class Replayer implements JournalReader.Visitor {
    private final Handler handler;
    private final Computations computations;
    private final BlobStore blobs;
    /** The state; while sequential replay runs, {@link #editor} holds the newer one. */
    StateMap state;
    /** Sequential replay edits one map in place (nothing shares the intermediate versions) until {@link #finish}. */
    private StateMap.Editor editor;
    final SortedMap<Snapshot.EffectKey, EffectRequest> pending;
    long referencesChecked;

    private final Speculative speculative;
    private final List<Event> window = new ArrayList<>();
    private final List<Long> windowSeqs = new ArrayList<>();
    private final List<Long> windowHashes = new ArrayList<>();

    Replayer(Handler handler, Computations computations, BlobStore blobs, Snapshot base, Speculative speculative) {
      this.handler = handler;
      this.speculative = speculative;
      this.computations = computations;
      this.blobs = blobs;
      this.state = base.state();
      this.pending = new TreeMap<>(base.pending());
      this.editor = speculative == null ? state.edit() : null;
    }

    /** Applies what is left of a speculative window, or ends the in-place editing; {@link #state} is final. */
    void finish() {
      if (editor != null) {
        state = editor.done();
        editor = null;
      }
      flush();
    }

    @Override
    public void record(long seq, int type, long stateHash, java.nio.ByteBuffer body) {
      byte[] bytes = new byte[body.remaining()];
      body.get(bytes);
      Event event = new Event(type, bytes);
      if (speculative != null) {
        window.add(event);
        windowSeqs.add(seq);
        windowHashes.add(stateHash);
        if (window.size() == WINDOW) {
          flush();
        }
        return;
      }
      if (type == Event.OUTCOME) {
        checkOutcome(seq, event);
      }
      List<EffectRequest> effects = Transition.applyInPlace(handler, editor, event);
      if (editor.hash() != stateHash) {
        throw new BadDataException("state hash mismatch at seq " + seq + ": journal records "
            + Long.toHexString(stateHash) + ", replay computed " + Long.toHexString(editor.hash()));
      }
      for (int k = 0; k < effects.size(); k++) {
        pending.put(new Snapshot.EffectKey(seq, k), effects.get(k));
      }
    }

    /** Applies the collected window speculatively, then checks it in order exactly as sequential replay does. */
    void flush() {
      if (window.isEmpty()) {
        return;
      }
      Speculative.Result r = speculative.apply(state, window);
      for (int i = 0; i < window.size(); i++) {
        long seq = windowSeqs.get(i);
        if (window.get(i).type() == Event.OUTCOME) {
          checkOutcome(seq, window.get(i));
        }
        if (r.hashes()[i] != windowHashes.get(i)) {
          throw new BadDataException("state hash mismatch at seq " + seq + ": journal records "
              + Long.toHexString(windowHashes.get(i)) + ", replay computed " + Long.toHexString(r.hashes()[i]));
        }
        List<EffectRequest> effects = r.effects().get(i);
        for (int k = 0; k < effects.size(); k++) {
          pending.put(new Snapshot.EffectKey(seq, k), effects.get(k));
        }
      }
      state = r.state();
      window.clear();
      windowSeqs.clear();
      windowHashes.clear();
    }

    private void checkOutcome(long seq, Event event) {
      OutcomeEvent outcome;
      try {
        outcome = OutcomeEvent.decode(event);
      } catch (IllegalArgumentException e) {
        throw new BadDataException("malformed outcome event at seq " + seq + ": " + e.getMessage());
      }
      Snapshot.EffectKey key = new Snapshot.EffectKey(outcome.originSeq(), outcome.index());
      EffectRequest request = pending.remove(key);
      switch (outcome.recorded()) {
        case OutcomeEvent.Reference ref -> {
          Computation c = request == null ? null : computations.find(request.function());
          if (c != null) {
            byte[] value;
            try {
              value = c.apply(request.input());
            } catch (Exception e) {
              throw new BadDataException("seq " + seq + ": recomputing " + key + " (" + request.function()
                  + ") threw " + e + " but the journal records a value");
            }
            if (!Arrays.equals(BlobStore.sha256(value), ref.sha256())) {
              throw new BadDataException("seq " + seq + ": recomputed " + key + " (" + request.function()
                  + ") hashes to " + HexFormat.of().formatHex(BlobStore.sha256(value)) + ", journal records "
                  + HexFormat.of().formatHex(ref.sha256()));
            }
            referencesChecked++;
          }
        }
        case OutcomeEvent.Stored stored -> {
          if (blobs.get(stored.sha256()) == null) {
            throw new BadDataException("seq " + seq + ": blob " + HexFormat.of().formatHex(stored.sha256())
                + " named by " + key + " is missing from the blob store");
          }
        }
        default -> { }
      }
    }
  }
}
