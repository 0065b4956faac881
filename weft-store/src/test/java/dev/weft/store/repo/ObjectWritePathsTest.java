package dev.weft.store.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.store.fs.TmpfileWriter;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two ways an object is written (O_TMPFILE + linkat, temporary name + rename) give the same repository. */
class ObjectWritePathsTest {
  @TempDir
  Path dir;

  @Test
  void bothWritePathsStoreTheSameFilesAndLeaveNoTemporaries() throws IOException {
    assumeTrue(TmpfileWriter.supported(dir), "no O_TMPFILE here");
    Repository linked = Repository.open(dir.resolve("linked"), true);
    Repository renamed = Repository.open(dir.resolve("renamed"), true);
    renamed.forceTempNameWrites();
    Random rnd = new Random(4);
    List<byte[]> contents = new ArrayList<>();
    for (int size : new int[] {0, 1, 65, 4095, 4096, 4097, 100_000, 1 << 20}) {
      byte[] b = new byte[size + 64];
      rnd.nextBytes(b);
      contents.add(b);
    }
    for (Repository repo : List.of(linked, renamed)) {
      for (byte[] b : contents) {
        // a slice, so the offset handling of both paths is exercised
        ObjectId id = FsVerity.digest(b, 32, b.length - 64);
        assertTrue(repo.storeObject(id, b, 32, b.length - 64));
        assertFalse(repo.storeObject(id, b, 32, b.length - 64), "present objects are not written again");
      }
      assertEquals(contents.size(), repo.objectsWritten());
      assertEquals(List.of(), repo.listTempFiles());
    }
    assertEquals(tree(linked.root().resolve("objects")), tree(renamed.root().resolve("objects")));
    for (byte[] b : contents) {
      ObjectId id = FsVerity.digest(b, 32, b.length - 64);
      assertArrayEquals(renamed.readObject(id), linked.readObject(id));
      assertEquals(Files.getPosixFilePermissions(renamed.objectPath(id)),
          Files.getPosixFilePermissions(linked.objectPath(id)), "same mode whichever way it was written");
    }
  }

  @Test
  void anExistingNameIsNeitherReplacedNorLeftWithDebris() throws IOException {
    assumeTrue(TmpfileWriter.supported(dir), "no O_TMPFILE here");
    assertTrue(TmpfileWriter.writeNew(dir, "obj", "first".getBytes(), 0, 5));
    assertFalse(TmpfileWriter.writeNew(dir, "obj", "second".getBytes(), 0, 6));
    assertEquals("first", Files.readString(dir.resolve("obj")));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("obj")), s.toList());
    }
  }

  @Test
  void aFailedWriteNamesTheDirectoryAndLeavesNothing() throws IOException {
    assumeTrue(TmpfileWriter.supported(dir), "no O_TMPFILE here");
    Path missing = dir.resolve("no-such-dir");
    IOException e = assertThrows(IOException.class, () -> TmpfileWriter.writeNew(missing, "x", new byte[10], 0, 10));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("No such file"), e.getMessage());
    // linking into a directory that vanished after the write: the unnamed file is freed with its descriptor
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertThrows(IOException.class, () -> TmpfileWriter.writeNew(sub, "a/b", new byte[10], 0, 10));
    try (Stream<Path> s = Files.list(sub)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void anObjectCutShortByACrashIsWrittenAgainNotReused() throws IOException {
    byte[] b = new byte[10_000];
    new Random(7).nextBytes(b);
    ObjectId id = FsVerity.digest(b, 0, b.length);
    for (boolean tempNames : new boolean[] {false, true}) {
      Repository repo = Repository.open(dir.resolve("r" + tempNames), true);
      if (tempNames) {
        repo.forceTempNameWrites();
      }
      assertTrue(repo.storeObject(id, b, 0, b.length));
      // What a crash before the barrier can leave: the name on disk, the data not (ext4: empty or short).
      for (int left : new int[] {0, 4096}) {
        try (var ch = java.nio.channels.FileChannel.open(repo.objectPath(id), java.nio.file.StandardOpenOption.WRITE)) {
          ch.truncate(left);
        }
        assertTrue(repo.storeObject(id, b, 0, b.length), "a short object must be rewritten");
        assertArrayEquals(b, repo.readObject(id));
      }
      assertFalse(repo.storeObject(id, b, 0, b.length), "a complete object is reused");
      assertEquals(List.of(), repo.listTempFiles());
    }
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }
}
