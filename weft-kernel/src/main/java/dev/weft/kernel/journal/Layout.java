package dev.weft.kernel.journal;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.sorted().toList()) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p) && name.matches("epoch-\\d{6}")) {
          epochs.add(readEpoch(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Layout(dir, List.copyOf(epochs));
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

  /** Creates the directory for a new epoch starting at {@code firstSeq}, written atomically. */
  public static Epoch createEpoch(Path dir, int number, long firstSeq, String code) {
    try {
      Path epochDir = dir.resolve(String.format("epoch-%06d", number));
      Files.createDirectories(epochDir);
      Properties props = new Properties();
      props.setProperty("epoch", Integer.toString(number));
      props.setProperty("first_seq", Long.toString(firstSeq));
      props.setProperty("code", code);
      props.setProperty("format", "weft-journal/1");
      Path tmp = epochDir.resolve(EPOCH_FILE + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp)) {
        props.store(w, "weft journal epoch");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, epochDir.resolve(EPOCH_FILE), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, epochDir.resolve(EPOCH_FILE), StandardCopyOption.REPLACE_EXISTING);
      }
      syncDir(epochDir);
      syncDir(dir);
      return new Epoch(number, firstSeq, code, epochDir, List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** fsyncs a directory so a created or renamed entry in it survives power loss (Linux semantics). */
  static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open directories; durability of the entry then rests on the OS.
    }
  }
}
