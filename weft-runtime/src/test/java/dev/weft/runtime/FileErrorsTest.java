package dev.weft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {
  @TempDir
  Path dir;

  @Test
  void aMissingFileIsNoSuchFile() {
    Path p = dir.resolve("nope.bin");
    assertEquals(p + ": no such file or directory", FileErrors.describe(new NoSuchFileException(p.toString())));
  }

  @Test
  void createInADirectoryThatTakesNoFilesSaysSo() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc")) && "proc".equals(Files.getFileStore(Path.of("/proc")).type()));
    // The kernel answers ENOENT to mkdir("/proc/out"); the QA report (U1) read that as "no such file".
    assertEquals("cannot create /proc/out: /proc is on the proc file system, which takes no new files",
        FileErrors.describe(new NoSuchFileException("/proc/out")));
    assertEquals("cannot create /proc/x.bin: /proc is on the proc file system, which takes no new files",
        FileErrors.cannotCreate(Path.of("/proc/x.bin"), new NoSuchFileException("/proc/.tmp-x.bin-1.part")).getMessage());
  }

  @Test
  void temporaryNamesAreNeverShown() {
    Path tmp = dir.resolve(".x.parquet.tmp");
    assertEquals("cannot create files in " + dir + ": permission denied",
        FileErrors.describe(new AccessDeniedException(tmp.toString())));
    UsageException u = FileErrors.cannotCreate(dir.resolve("x.parquet"), new AccessDeniedException(tmp.toString()));
    assertEquals("cannot create " + dir.resolve("x.parquet") + ": permission denied", u.getMessage());
    assertEquals(ExitCodes.USAGE, u.exitCode());
  }

  @Test
  void readOnlyFileSystemIsAUserProblemOtherFailuresAreNot() {
    assertEquals("cannot write /mnt/ro/out: read-only file system",
        FileErrors.describe(new FileSystemException("/mnt/ro/out", null, "Read-only file system")));
    assertNull(FileErrors.describe(new FileSystemException("/dev/sda", null, "Input/output error")));
    assertNull(FileErrors.describe(new IOException("stream closed")));
  }
}
