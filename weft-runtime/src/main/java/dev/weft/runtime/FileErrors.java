package dev.weft.runtime;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The one place that turns a file-system error about a path the user gave into a one-line message: the
 * CLI maps every uncaught {@link FileSystemException} through {@link #describe}, and code that writes an
 * output via a temporary sibling reports failures with {@link #cannotCreate}, so the user reads the path
 * they typed, never an internal temporary name.
 */
public final class FileErrors {
  /**
   * Kernel file systems whose directories answer "no such file or directory" (ENOENT) to any attempt to
   * create an entry, so that error means "cannot be created here", not "missing".
   */
  private static final Set<String> PSEUDO_FILE_SYSTEMS = Set.of(
      "proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs", "configfs", "pstore", "bpf",
      "devpts", "efivarfs", "fusectl", "binfmt_misc");

  private FileErrors() {}

  /**
   * One line naming the path and the problem, for the file-system errors that come from the paths a user
   * gave (missing, in the way, not accessible, read-only, on a file system that takes no files); null for
   * anything else, which is then an internal I/O fault.
   */
  public static String describe(IOException e) {
    if (!(e instanceof FileSystemException fse) || fse.getFile() == null) {
      return null;
    }
    Path file = Path.of(fse.getFile());
    if (isTemporary(file)) {
      // A temporary sibling of some output: its name means nothing to the user, its directory does.
      Path dir = file.toAbsolutePath().getParent();
      return "cannot create files in " + dir + ": " + problem(fse, dir);
    }
    return switch (fse) {
      case NoSuchFileException ignored -> {
        String pseudo = pseudoFileSystemOf(file);
        yield pseudo != null
            ? "cannot create " + file + ": " + file.toAbsolutePath().getParent() + " is on the " + pseudo
              + " file system, which takes no new files"
            : file + ": no such file or directory";
      }
      case NotDirectoryException ignored -> file + ": not a directory";
      case FileAlreadyExistsException ignored -> file + (Files.isDirectory(file)
          ? ": already exists" : ": is in the way (an existing file where a directory or a new file is needed)");
      case AccessDeniedException ignored -> file + ": permission denied";
      case DirectoryNotEmptyException ignored -> file + ": directory not empty";
      default -> isReadOnly(fse) ? "cannot write " + file + ": read-only file system" : null;
    };
  }

  /**
   * The error to throw when {@code output}, or a temporary file or directory next to it that becomes
   * {@code output} later, cannot be created: a usage error (exit 2) naming {@code output} (the directory
   * the user chose does not take it), whatever internal name the failing call was about.
   */
  public static UsageException cannotCreate(Path output, FileSystemException e) {
    UsageException u = new UsageException("cannot create " + output + ": "
        + problem(e, output.toAbsolutePath().getParent()));
    u.initCause(e);
    return u;
  }

  /** The problem alone, for a failure to create something in {@code dir}. */
  private static String problem(FileSystemException fse, Path dir) {
    return switch (fse) {
      case NoSuchFileException ignored -> {
        if (dir != null && !Files.isDirectory(dir)) {
          yield "no such directory " + dir;
        }
        String pseudo = pseudoFileSystemOf(dir);
        yield pseudo != null ? dir + " is on the " + pseudo + " file system, which takes no new files"
            : "no such file or directory";
      }
      case AccessDeniedException ignored -> "permission denied";
      case NotDirectoryException ignored -> fse.getFile() + " is not a directory";
      case FileAlreadyExistsException ignored -> fse.getFile() + " is in the way";
      default -> isReadOnly(fse) ? "read-only file system"
          : fse.getReason() != null ? fse.getReason() : "cannot be created";
    };
  }

  /**
   * Temporary names weft's writers use next to their outputs ({@code .tmp-NAME…}, {@code .NAME.tmp},
   * {@code .NAME.123.part}).
   */
  private static boolean isTemporary(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return false;
    }
    String n = name.toString();
    // Hidden names only: a missing "notes.tmp" the user asked to read is just missing.
    return n.startsWith(".") && (n.contains("tmp") || n.endsWith(".part"));
  }

  private static boolean isReadOnly(FileSystemException fse) {
    return fse.getReason() != null && fse.getReason().toLowerCase(java.util.Locale.ROOT).contains("read-only");
  }

  /** The type of the kernel file system holding {@code file}'s parent, when it is one; else null. */
  private static String pseudoFileSystemOf(Path file) {
    if (file == null) {
      return null;
    }
    Path dir = Files.isDirectory(file) ? file : file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir) || Files.exists(file) && !Files.isDirectory(file)) {
      return null;
    }
    try {
      FileStore store = Files.getFileStore(dir);
      return PSEUDO_FILE_SYSTEMS.contains(store.type()) ? store.type() : null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }
}
