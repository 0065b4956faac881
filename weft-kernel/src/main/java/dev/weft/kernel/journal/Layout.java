package dev.weft.kernel.journal;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.io.Fsync;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The journal directory: {@code epoch-NNNNNN/} directories, each with {@code epoch.properties} (epoch number,
 * first sequence number, the code that wrote it) and segments named by their first sequence number
 * ({@code 00000000000000000001.seg}). Read from file names only; record contents are checked by
 * {@link JournalReader}.
 */
public record Layout(Path dir, List<Epoch> epochs) {
  /** One epoch and its segments, sorted by first sequence number. */
  public record Epoch(int number, long firstSeq, String code, Path dir, List<Segment> segments) {}

  /** One segment file. */
  public record Segment(int epoch, long firstSeq, Path path) {
    public String name() {
      return path.getParent().getFileName() + "/" + path.getFileName();
    }
  }

  static final String EPOCH_FILE = "epoch.properties";

  /** Reads the layout; a usage error if {@code dir} is not a journal. */
  public static Layout read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UsageException(dir + ": no such journal directory");
    }
    List<Epoch> epochs = new ArrayList<>();
    try {
      List<Path> dirs = epochDirs(dir);
      for (int i = 0; i < dirs.size(); i++) {
        Path p = dirs.get(i);
        if (i == dirs.size() - 1 && isUnfinished(p)) {
          continue; // an epoch whose creation never completed (see recover); it holds no events
        }
        epochs.add(readEpoch(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Layout(dir, List.copyOf(epochs));
  }

  private static List<Path> epochDirs(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("epoch-\\d{6}"))
          .sorted().toList();
    }
  }

  /**
   * True for an epoch directory left by a creation that did not complete: no {@code epoch.properties} and no
   * segment. Since epochs are built under a temporary name and renamed into place this only arises from
   * journals written before that change (the directory was created first, the properties file last).
   */
  private static boolean isUnfinished(Path epochDir) throws IOException {
    if (Files.exists(epochDir.resolve(EPOCH_FILE))) {
      return false;
    }
    try (Stream<Path> files = Files.list(epochDir)) {
      return files.noneMatch(p -> p.getFileName().toString().matches("\\d{20}\\.seg"));
    }
  }

  /**
   * Removes what an interrupted or crashed epoch creation left behind: {@code epoch-NNNNNN.tmp} directories
   * and an unfinished newest epoch directory (see {@link #read}). Call with the journal lock held, before
   * {@link #read}. Returns one line per removed directory.
   */
  public static List<String> recover(Path dir) {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    DurableFiles.uninterruptiblyUnchecked(() -> {
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path p : entries.sorted().toList()) {
          if (Files.isDirectory(p) && p.getFileName().toString().matches("epoch-\\d{6}\\.tmp")) {
            DurableFiles.deleteTree(p);
            removed.add("removed " + p.getFileName() + "/, left by an epoch creation that did not complete");
          }
        }
      }
      List<Path> dirs = epochDirs(dir);
      if (!dirs.isEmpty() && isUnfinished(dirs.getLast())) {
        DurableFiles.deleteTree(dirs.getLast());
        removed.add("removed " + dirs.getLast().getFileName() + "/, an epoch whose creation did not complete");
      }
      if (!removed.isEmpty()) {
        Fsync.directory(dir);
      }
      return null;
    });
    return removed;
  }

  private static Epoch readEpoch(Path epochDir) throws IOException {
    Path file = epochDir.resolve(EPOCH_FILE);
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      props.load(r);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadDataException(file + ": missing; the epoch directory is damaged");
    }
    int number;
    long first;
    try {
      number = Integer.parseInt(props.getProperty("epoch", ""));
      first = Long.parseLong(props.getProperty("first_seq", ""));
    } catch (NumberFormatException e) {
      throw new BadDataException(file + ": epoch or first_seq missing or not a number");
    }
    List<Segment> segments = new ArrayList<>();
    try (Stream<Path> files = Files.list(epochDir)) {
      for (Path p : files.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.matches("\\d{20}\\.seg")) {
          segments.add(new Segment(number, Long.parseLong(name.substring(0, 20)), p));
        }
      }
    }
    return new Epoch(number, first, props.getProperty("code", "?"), epochDir, List.copyOf(segments));
  }

  /** Every segment of every epoch in sequence order. */
  public List<Segment> segments() {
    List<Segment> all = new ArrayList<>();
    epochs.forEach(e -> all.addAll(e.segments()));
    return all;
  }

  /** The first sequence number the journal still holds (1 unless epochs were chopped). */
  public long firstSeq() {
    return epochs.isEmpty() ? 1 : epochs.getFirst().firstSeq();
  }

  public Epoch current() {
    return epochs.isEmpty() ? null : epochs.getLast();
  }

  static String segmentFileName(long firstSeq) {
    return String.format("%020d.seg", firstSeq);
  }

  /** Creates the directory for a new epoch starting at {@code firstSeq}, atomically (see below). */
  public static Epoch createEpoch(Path dir, int number, long firstSeq, String code) {
    return createEpoch(dir, number, firstSeq, code, tmp -> { });
  }

  /**
   * Creates the directory for a new epoch starting at {@code firstSeq}: {@code populate} writes any further
   * files (a base snapshot) into a temporary directory {@code epoch-NNNNNN.tmp}, then {@code epoch.properties}
   * is written, everything is fsynced and the directory is renamed into place and the journal directory
   * fsynced. So an epoch directory is complete or absent, whatever interrupts it. The whole sequence runs
   * {@linkplain DurableFiles#uninterruptibly uninterruptibly}: a Ctrl-C during it takes effect afterwards.
   */
  public static Epoch createEpoch(Path dir, int number, long firstSeq, String code, DurableFiles.IoConsumer populate) {
    String name = String.format("epoch-%06d", number);
    Path epochDir = dir.resolve(name);
    Path tmpDir = dir.resolve(name + ".tmp");
    DurableFiles.uninterruptiblyUnchecked(() -> {
      if (Files.exists(epochDir)) {
        throw new java.nio.file.FileAlreadyExistsException(epochDir.toString());
      }
      DurableFiles.deleteTree(tmpDir);
      Files.createDirectories(tmpDir);
      populate.accept(tmpDir);
      Properties props = new Properties();
      props.setProperty("epoch", Integer.toString(number));
      props.setProperty("first_seq", Long.toString(firstSeq));
      props.setProperty("code", code);
      props.setProperty("format", "weft-journal/2");
      Path file = tmpDir.resolve(EPOCH_FILE);
      try (Writer w = Files.newBufferedWriter(file)) {
        props.store(w, "weft journal epoch");
      }
      Fsync.file(file);
      Fsync.directory(tmpDir);
      try {
        Files.move(tmpDir, epochDir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmpDir, epochDir);
      }
      Fsync.directory(dir);
      return null;
    });
    return new Epoch(number, firstSeq, code, epochDir, List.of());
  }
}
