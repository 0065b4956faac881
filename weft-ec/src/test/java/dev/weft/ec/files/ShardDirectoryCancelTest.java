package dev.weft.ec.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cancelled encode leaves nothing behind: no temporaries, no shards, and no OUTDIR it created itself. */
class ShardDirectoryCancelTest {
  @TempDir
  Path tmp;

  private ShardDirectory.EncodeOptions options() {
    return new ShardDirectory.EncodeOptions(4, 2, 4096, MatrixKind.CAUCHY, Kernels.bestJava());
  }

  @Test
  void aCancelledEncodeRemovesTheOutDirItCreated() throws Exception {
    Path input = Files.write(tmp.resolve("in"), new byte[100_000]);
    Path out = tmp.resolve("shards");
    try (TaskPool pool = TaskPool.create(2)) {
      Thread.currentThread().interrupt(); // as Ctrl-C does: the encode sees it before its first stripe
      try {
        assertThrows(Exception.class, // CancellationException, or ClosedByInterruptException from a read
           
            () -> ShardDirectory.encode(input, out, options(), pool, ProgressListener.NONE));
      } finally {
        Thread.interrupted();
      }
    }
    assertFalse(Files.exists(out), "OUTDIR left behind");
  }

  @Test
  void aCancelledEncodeRemovesTheParentsItCreatedToo() throws Exception {
    Path input = Files.write(tmp.resolve("in"), new byte[100_000]);
    Path out = tmp.resolve("a").resolve("b").resolve("shards");
    try (TaskPool pool = TaskPool.create(2)) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(Exception.class, () -> ShardDirectory.encode(input, out, options(), pool, ProgressListener.NONE));
      } finally {
        Thread.interrupted();
      }
    }
    assertFalse(Files.exists(tmp.resolve("a")), "created parents left behind");
    assertTrue(Files.exists(tmp), "a directory that existed before was removed");
  }

  @Test
  void aCancelledEncodeKeepsAnOutDirThatExistedWithItsFiles() throws Exception {
    Path input = Files.write(tmp.resolve("in"), new byte[100_000]);
    Path out = Files.createDirectories(tmp.resolve("shards"));
    Files.writeString(out.resolve("notes.txt"), "mine");
    try (TaskPool pool = TaskPool.create(2)) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(Exception.class, // CancellationException, or ClosedByInterruptException from a read
           
            () -> ShardDirectory.encode(input, out, options(), pool, ProgressListener.NONE));
      } finally {
        Thread.interrupted();
      }
    }
    try (var files = Files.list(out)) {
      assertEquals(List.of(out.resolve("notes.txt")), files.toList());
    }
  }
}
