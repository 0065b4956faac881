package dev.weft.ec.files;

import dev.weft.runtime.UsageException;
import dev.weft.runtime.io.Fsync;
import dev.weft.runtime.io.OutputPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Checks and temporaries for files the user asked us to write (decoded files, rebuilt datasets). Shared by
 * {@link ShardDirectory} and the dataset code so every output path gets the same protection.
 */
public final class OutputFiles {
  private OutputFiles() {}

  /**
   * Refuses (exit 2) an output that is a directory, or that would land inside {@code source} — the shard
   * directory or block store being read — or on {@code source} itself. Paths are compared after resolving
   * symbolic links and {@code ..}, so {@code ./g/../g/manifest.json} or a link into the store is caught too.
   * Called before anything is written: overwriting a shard or manifest would destroy the data being read.
   */
  public static void checkOutput(Path output, Path source, String what) throws IOException {
    checkNotDirectory(output);
    Path out = realPath(output);
    Path src = realPath(source);
    if (out.startsWith(src)) {
      throw new UsageException(output + ": OUTPUT is inside " + what + " " + source
          + " and could overwrite the data being read; write it elsewhere");
    }
  }

  /** Refuses (exit 2) an output path naming an existing directory, which the final rename cannot replace. */
  public static void checkNotDirectory(Path output) {
    if (Files.isDirectory(output)) {
      throw new UsageException(output + ": is a directory; OUTPUT must be a file path");
    }
  }

  /** Refuses (exit 2) an input that is a directory or does not exist. */
  public static void checkInputFile(Path input) {
    if (Files.isDirectory(input)) {
      throw new UsageException(input + ": is a directory; expected a file");
    }
    if (!Files.isRegularFile(input)) {
      throw new UsageException(input + ": no such file");
    }
  }

  /**
   * An output being written: a temporary file next to {@code output}, and the directories created for it
   * (innermost first), so a failure leaves nothing behind and success publishes durably.
   */
  public record PendingOutput(Path output, Path temp, List<Path> createdDirs) {
    /** Renames the (already forced) temporary file into place and fsyncs the directory holding it. */
    public void publish() throws IOException {
      Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Fsync.directory(temp.getParent());
      syncCreatedParents(createdDirs);
    }

    /** Deletes the temporary file and the directories created for it (while empty). */
    public void discard() throws IOException {
      Files.deleteIfExists(temp);
      removeCreatedDirs(createdDirs);
    }
  }

  /**
   * Creates an empty temporary file next to {@code output}, creating missing parent directories. Unlike
   * {@code Files.createTempFile} (always 0600) it gets the umask's default permissions, which survive the
   * final rename: the user asked for this file and expects it readable like any other they create.
   */
  public static PendingOutput createTemp(Path output) throws IOException {
    OutputPaths.requireReplaceable(output);
    Path parent = output.toAbsolutePath().getParent();
    List<Path> created = missingDirs(parent);
    try {
      Files.createDirectories(parent);
      Path temp = Files.createFile(parent.resolve(".tmp-" + output.getFileName() + "-" + UUID.randomUUID() + ".part"));
      return new PendingOutput(output, temp, created);
    } catch (java.nio.file.FileSystemException e) {
      removeCreatedDirs(created);
      // Name the file the user asked for, not our temporary one.
      throw dev.weft.runtime.FileErrors.cannotCreate(output, e);
    }
  }

  /** The directories that do not exist yet on the way to {@code dir}, innermost first. */
  public static List<Path> missingDirs(Path dir) {
    List<Path> missing = new ArrayList<>();
    for (Path d = dir.toAbsolutePath(); d != null && !Files.exists(d); d = d.getParent()) {
      missing.add(d);
    }
    return missing;
  }

  /** Removes directories this run created (from {@link #missingDirs}), innermost first, only while empty. */
  public static void removeCreatedDirs(List<Path> created) throws IOException {
    try {
      for (Path d : created) {
        Files.deleteIfExists(d);
      }
    } catch (java.nio.file.DirectoryNotEmptyException someoneElsesFiles) {
      // Files another process put there meanwhile stay, and so do the directories holding them.
    }
  }

  /** Syncs the parent of each directory this run created, so the new directories themselves are durable. */
  public static void syncCreatedParents(List<Path> created) throws IOException {
    for (Path d : created) {
      Path parent = d.getParent();
      if (parent != null) {
        Fsync.directory(parent);
      }
    }
  }

  /**
   * The real path of {@code p}, or, when it does not exist yet, the real path of its deepest existing
   * ancestor with the remaining names appended.
   */
  static Path realPath(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    return existing.toRealPath().resolve(existing.relativize(abs));
  }
}
