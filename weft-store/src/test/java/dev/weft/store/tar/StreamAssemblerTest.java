package dev.weft.store.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split stream is assembled by whichever thread of the layer completes the head of the queue
 * ({@link StreamAssembler}); inline bytes wait in budgeted pages. Whatever thread count and budget, the
 * stream is the one a plain split gives, every byte of budget comes back, and a failure leaves nothing.
 */
class StreamAssemblerTest {
  @TempDir
  Path dir;

  /** A tar of random entries: directories, symlinks, inline and external files, PAX (non-ASCII) names. */
  static byte[] randomTar(long seed, int entries) throws IOException {
    Random rnd = new Random(seed);
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setAddPaxHeadersForNonAsciiNames(true);
      for (int i = 0; i < entries; i++) {
        String name = (rnd.nextInt(4) == 0 ? "dïr-" : "d-") + i + (rnd.nextInt(10) == 0 ? "-x".repeat(60) : "");
        switch (rnd.nextInt(6)) {
          case 0 -> t.putArchiveEntry(new TarArchiveEntry(name + "/"));
          case 1 -> {
            TarArchiveEntry sym = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            sym.setLinkName("target-" + i);
            t.putArchiveEntry(sym);
          }
          default -> {
            int size = switch (rnd.nextInt(4)) {
              case 0 -> rnd.nextInt(65); // inline
              case 1 -> 65 + rnd.nextInt(4000);
              case 2 -> 4000 + rnd.nextInt(60_000);
              default -> rnd.nextInt(3) == 0 ? 1_100_000 + rnd.nextInt(200_000) : 65 + rnd.nextInt(300_000);
            };
            byte[] data = new byte[size];
            rnd.nextBytes(data);
            if (size > 8 && rnd.nextInt(5) == 0) {
              data = TarSplitterTest.bytes(size, i % 3); // repeated contents: one object, several references
            }
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(size);
            t.putArchiveEntry(e);
            t.write(data);
          }
        }
        t.closeArchiveEntry();
      }
      t.finish();
    }
    return bo.toByteArray();
  }

  @Property(tries = 25)
  void anyThreadCountAndBudgetGivesThePlainSplitsStream(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 150) int entries, @ForAll @IntRange(min = 0, max = 2) int budgetKind)
      throws Exception {
    byte[] tar = randomTar(seed, entries);
    Path root = Files.createTempDirectory("st-assembler");
    try {
      byte[] expected;
      try (TaskPool pool = TaskPool.create(1)) {
        Repository repo = Repository.open(root.resolve("plain"), true);
        expected = new TarSplitter(repo, pool, pool.limits().budget("test.bytes", 64 << 20), "test")
            .split(new ByteArrayInputStream(tar)).splitStream();
      }
      long budget = new long[] {10 << 10, 64 << 10, 1 << 20}[budgetKind];
      for (int threads : new int[] {1, 2, 8}) {
        Repository repo = Repository.open(root.resolve("t" + threads), true);
        byte[] got = splitInHelperScope(repo, threads, budget, new ByteArrayInputStream(tar));
        assertArrayEquals(expected, got, threads + " threads, budget " + budget);
        assertArrayEquals(tar, SplitStream.parse(got, "test").catBytes(repo));
      }
    } finally {
      try (var walk = Files.walk(root)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** As the importer: the caller holds one of {@code threads} permits; checks budget and permits came back. */
  private static byte[] splitInHelperScope(Repository repo, int threads, long budget, InputStream in)
      throws IOException {
    try (TaskPool pool = TaskPool.create(threads)) {
      NamedLimit helpers = pool.limits().limit("test.threads", threads);
      try {
        try (NamedLimit.Permit reader = helpers.acquire(); Scope work = pool.openScope(helpers)) {
          return new TarSplitter(repo, pool, pool.limits().budget("test.bytes", budget), "test", true)
              .split(in, work).splitStream();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      } finally {
        assertEquals(0, helpers.metrics().inUse(), "every helper permit came back");
        assertEquals(0, pool.limits().budget("test.bytes", 1).metrics().inUse(), "every byte of budget came back");
      }
    }
  }

  /**
   * The source fails (a) inside the second 8 MiB piece of a large file, with its temp file and pieces in
   * flight, and (b) inside a small file whose batch is still open, so inline bytes wait in the queue
   * behind a file that never gets a digest: the error is the source's, every byte of budget comes back
   * (waiting inline pages included) and no temp file is left, at every thread count.
   */
  @Test
  void aFailingSourceLeavesNoTempFileAndReturnsEveryByte() throws Exception {
    byte[] tar = TarSplitterTest.goldenTar(0);
    int insideBig = TarSplitter.PIECE + TarSplitter.PIECE / 2 + 20_000; // the golden tar's big file starts early
    int insideDupB = indexOf(tar, "dup-b".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + 512 + 100;
    for (int failAt : new int[] {insideBig, insideDupB}) {
      for (int threads : new int[] {1, 2, 8}) {
        Repository repo = Repository.open(dir.resolve("r" + threads + "-" + failAt), true);
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(tar)) {
          long pos;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= failAt) {
              throw new IOException("disk on fire");
            }
            int n = super.read(b, off, (int) Math.min(len, failAt - pos));
            pos += Math.max(n, 0);
            return n;
          }
        };
        IOException e = assertThrows(IOException.class,
            () -> splitInHelperScope(repo, threads, 1 << 20, failing), threads + " threads");
        assertEquals("disk on fire", e.getMessage());
        assertEquals(List.of(), repo.listTempFiles(), "no temporary files left at " + threads + " threads");
      }
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
