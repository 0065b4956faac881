package dev.weft.store.fs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsBarrierTest {
  @TempDir Path dir;

  @Test
  void syncsTheFileSystemHoldingADirectory() throws IOException {
    assumeTrue(Posix.available(), "no native access");
    Files.writeString(dir.resolve("a"), "x");
    try (FsBarrier b = FsBarrier.open(dir)) {
      assertTrue(b.sync());
      assertTrue(b.sync(), "a handle can serve several barriers");
    }
  }

  @Test
  void anErrorFromTheKernelIsThrownNamingTheDirectoryNeverSwallowed() {
    assumeTrue(Posix.available(), "no native access");
    // A descriptor above any open-file limit: the kernel answers EBADF, as it answers EIO after a failed
    // writeback. Either way the caller must not publish, so sync() throws instead of returning false.
    try (FsBarrier b = FsBarrier.ofDescriptor(dir, 1 << 30)) {
      IOException e = assertThrows(IOException.class, b::sync);
      assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("Bad file descriptor"),
          e.getMessage());
    }
  }

  @Test
  void aMissingDirectoryIsAnErrorAndAClosedHandleIsRefused() throws IOException {
    assumeTrue(Posix.available(), "no native access");
    IOException e = assertThrows(IOException.class, () -> FsBarrier.open(dir.resolve("missing")));
    assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("No such file"), e.getMessage());
    FsBarrier b = FsBarrier.open(dir);
    b.close();
    b.close(); // idempotent
    assertThrows(IllegalStateException.class, b::sync);
  }
}
