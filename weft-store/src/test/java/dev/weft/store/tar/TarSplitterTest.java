package dev.weft.store.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.ContentType;
import dev.weft.store.splitstream.SplitStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarSplitterTest {
  @TempDir
  Path dir;

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  /** A tar with every kind of entry the split has to keep bit-exact. */
  static byte[] goldenTar(int trailingZeroBlocks) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      dirEntry(t, "etc/");
      file(t, "etc/empty", new byte[0]);
      file(t, "etc/sixty-four", bytes(64, 1));
      file(t, "etc/sixty-five", bytes(65, 2));
      file(t, "etc/" + "long-name-".repeat(20), bytes(5000, 3)); // GNU long name ('L')
      TarArchiveEntry link = new TarArchiveEntry("etc/hard", TarConstants.LF_LINK);
      link.setLinkName("etc/sixty-five");
      t.putArchiveEntry(link);
      t.closeArchiveEntry();
      TarArchiveEntry sym = new TarArchiveEntry("etc/sym", TarConstants.LF_SYMLINK);
      sym.setLinkName("sixty-four");
      t.putArchiveEntry(sym);
      t.closeArchiveEntry();
      TarArchiveEntry dev = new TarArchiveEntry("dev-null", TarConstants.LF_CHR);
      dev.setDevMajor(1);
      dev.setDevMinor(3);
      t.putArchiveEntry(dev);
      t.closeArchiveEntry();
      TarArchiveEntry pax = new TarArchiveEntry("etc/pax");
      pax.addPaxHeader("SCHILY.xattr.user.test", "value");
      pax.addPaxHeader("mtime", "1700000000.123456789");
      byte[] paxData = bytes(300, 4);
      pax.setSize(paxData.length);
      t.putArchiveEntry(pax);
      t.write(paxData);
      t.closeArchiveEntry();
      file(t, "big", bytes(TarSplitter.PIECE * 2 + 12345, 5)); // split into pieces
      file(t, "dup-a", bytes(1000, 6));
      file(t, "dup-b", bytes(1000, 6)); // same content: one object, referenced twice
      t.finish();
    }
    byte[] tar = bo.toByteArray();
    return Arrays.copyOf(tar, tar.length + trailingZeroBlocks * 512);
  }

  static void dirEntry(TarArchiveOutputStream t, String name) throws IOException {
    t.putArchiveEntry(new TarArchiveEntry(name));
    t.closeArchiveEntry();
  }

  static void file(TarArchiveOutputStream t, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    e.setMode(0644);
    t.putArchiveEntry(e);
    t.write(data);
    t.closeArchiveEntry();
  }

  SplitResult split(Repository repo, TaskPool pool, byte[] tar) throws IOException {
    return new TarSplitter(repo, pool, pool.limits().budget("test.bytes", 4 << 20), "test")
        .split(new ByteArrayInputStream(tar));
  }

  @Test
  void roundTripIsBitExactAndIdenticalAtAnyThreadCount() throws IOException {
    byte[] tar = goldenTar(7);
    byte[] first = null;
    for (int threads : new int[] {1, 2, 8}) {
      Repository repo = Repository.open(dir.resolve("r" + threads), true);
      try (TaskPool pool = TaskPool.create(threads)) {
        SplitResult r = split(repo, pool, tar);
        SplitStream ss = SplitStream.parse(r.splitStream(), "test");
        assertArrayEquals(tar, ss.catBytes(repo), "rebuilt tar at " + threads + " threads");
        assertEquals(tar.length, ss.streamSize());
        assertEquals(ContentType.OCI_LAYER, ss.contentType());
        // 65-byte file, long-name file, pax file, big file, dup-a/dup-b: 6 external entries, 5 distinct objects
        assertEquals(6, r.externalFiles());
        assertEquals(5, ss.objectRefs().size());
        if (first == null) {
          first = r.splitStream();
        } else {
          assertArrayEquals(first, r.splitStream(), "split stream differs at " + threads + " threads");
        }
      }
    }
  }

  /**
   * The import's way: the caller holds one of N thread permits and pool threads help only with the others,
   * so at one thread everything runs on the caller (caller runs, no pool task at all). A small budget makes
   * the caller run queued work before it waits for bytes. Same split stream as the plain scope's.
   */
  @Test
  void callerRunsWithAHelperLimitGivesTheSameStreamAndNoPoolWorkAtOneThread() throws Exception {
    byte[] tar = goldenTar(7);
    byte[] expected;
    try (TaskPool pool = TaskPool.create(2)) {
      expected = split(Repository.open(dir.resolve("plain"), true), pool, tar).splitStream();
    }
    for (int threads : new int[] {1, 2, 8}) {
      Repository repo = Repository.open(dir.resolve("h" + threads), true);
      try (TaskPool pool = TaskPool.create(threads)) {
        dev.weft.runtime.limit.NamedLimit helpers = pool.limits().limit("test.threads", threads);
        SplitResult r;
        try (dev.weft.runtime.limit.NamedLimit.Permit reader = helpers.acquire();
             dev.weft.runtime.pool.Scope work = pool.openScope(helpers)) {
          r = new TarSplitter(repo, pool, pool.limits().budget("test.bytes", 64 << 10), "test", true)
              .split(new ByteArrayInputStream(tar), work);
        }
        assertArrayEquals(expected, r.splitStream(), "split stream at " + threads + " threads");
        assertArrayEquals(tar, SplitStream.parse(r.splitStream(), "test").catBytes(repo));
        if (threads == 1) {
          assertEquals(0, pool.metrics().completed(), "at one thread no pool thread did any of the work");
        }
        assertEquals(0, helpers.metrics().inUse(), "every helper permit came back");
        assertEquals(0, pool.limits().budget("test.bytes", 1).metrics().inUse(), "budget returned");
      }
    }
  }

  /** The exact chunk sequence: what is inline and what is external, down to the byte. */
  @Test
  void goldenChunkLayoutFor64And65ByteFilesAndTrailingZeroBlocks() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo, 512)) { // no record padding
      file(t, "a64", bytes(64, 7));
      file(t, "b65", bytes(65, 8));
      file(t, "c0", new byte[0]);
    }
    byte[] tar = Arrays.copyOf(bo.toByteArray(), bo.size() + 3 * 512); // 3 extra trailing zero blocks
    Repository repo = Repository.open(dir.resolve("golden"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      SplitStream ss = SplitStream.parse(split(repo, pool, tar).splitStream(), "golden");
      java.util.List<String> chunks = new java.util.ArrayList<>();
      try (SplitStream.ChunkReader r = ss.chunks()) {
        for (SplitStream.Chunk c; (c = r.next()) != null; ) {
          chunks.add(switch (c) {
            case SplitStream.Chunk.Inline in -> "inline " + in.data().length;
            case SplitStream.Chunk.External ex -> "external " + ex.id().hex();
          });
        }
      }
      String b65 = dev.weft.store.verity.FsVerity.digest(bytes(65, 8)).hex();
      // a64: header + 64 bytes padded to 512, b65's header; b65's content external; then its 447 bytes of
      // padding, c0's header, the two end-of-archive blocks and the three trailing zero blocks.
      assertEquals(java.util.List.of("inline " + (512 + 512 + 512), "external " + b65,
          "inline " + (447 + 512 + 1024 + 1536)), chunks);
      assertEquals(java.util.List.of(dev.weft.store.verity.FsVerity.digest(bytes(65, 8))), ss.objectRefs());
      assertArrayEquals(tar, ss.catBytes(repo));
    }
  }

  /** composefs-rs externalises EntryType::Regular only: a '7' (contiguous) file stays inline. */
  @Test
  void aContiguousFileStaysInlineAsInComposefsRs() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo, 512)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
          new org.apache.commons.compress.archivers.tar.TarArchiveEntry("c7",
              org.apache.commons.compress.archivers.tar.TarConstants.LF_CONTIG);
      e.setSize(100);
      t.putArchiveEntry(e);
      t.write(bytes(100, 3));
      t.closeArchiveEntry();
    }
    byte[] tar = bo.toByteArray();
    assertEquals('7', tar[156]);
    Repository repo = Repository.open(dir.resolve("contig"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      SplitStream ss = SplitStream.parse(split(repo, pool, tar).splitStream(), "contig");
      assertEquals(java.util.List.of(), ss.objectRefs());
      assertArrayEquals(tar, ss.catBytes(repo));
    }
  }

  @Test
  void writerAndReaderAgreeOnNamedRefs() {
    var w = new dev.weft.store.splitstream.SplitStreamWriter(ContentType.OCI_CONFIG);
    var a = dev.weft.store.verity.FsVerity.digest("a".getBytes(StandardCharsets.UTF_8));
    var b = dev.weft.store.verity.FsVerity.digest("b".getBytes(StandardCharsets.UTF_8));
    w.writeExternal(a, 1);
    w.addNamedStreamRef("sha256:bb", b);
    w.addNamedStreamRef("config:sha256:aa", a);
    SplitStream ss = SplitStream.parse(w.finish(), "t");
    assertEquals(Map.of("sha256:bb", b, "config:sha256:aa", a), ss.namedRefs());
    assertEquals(java.util.List.of(b, a), ss.streamRefs());
    // header layout: magic, version 0, flags 0, algorithm 1, log2 block 12, info at 32..112
    byte[] f = w.finish();
    assertEquals("SplitStream", new String(f, 0, 11, StandardCharsets.US_ASCII));
    assertEquals(1, f[14]);
    assertEquals(12, f[15]);
    assertEquals(32, f[16]);
    assertEquals(112, f[24]);
  }

  @Test
  void truncatedAndCorruptTarsAreBadData() throws IOException {
    byte[] tar = goldenTar(0);
    Repository repo = Repository.open(dir.resolve("bad"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      BadDataException t = assertThrows(BadDataException.class,
          () -> split(repo, pool, Arrays.copyOf(tar, 3000)));
      assertTrue(t.getMessage().contains("truncated"), t.getMessage());
      byte[] corrupt = tar.clone();
      corrupt[512 * 2 + 100] ^= 0x55; // inside the third header
      BadDataException c = assertThrows(BadDataException.class, () -> split(repo, pool, corrupt));
      assertTrue(c.getMessage().contains("checksum"), c.getMessage());
      byte[] nonOctal = tar.clone();
      System.arraycopy("9999999\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, nonOctal, 148, 8);
      BadDataException n = assertThrows(BadDataException.class, () -> split(repo, pool, nonOctal));
      assertTrue(n.getMessage().startsWith("test: tar ") && n.getMessage().contains("at byte 0"), n.getMessage());
      assertTrue(n.getMessage().contains("checksum"), n.getMessage());
      // the budget was returned in full after the failures
      assertEquals(0, pool.limits().budget("test.bytes", 1).metrics().inUse());
    }
  }

  @Test
  void corruptHeadersAfterAPaxHeaderAreBadData() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      TarArchiveEntry e = new TarArchiveEntry("etc/with-pax");
      e.addPaxHeader("SCHILY.xattr.user.k", "v"); // not a header field: written as a PAX record
      byte[] data = new byte[1000];
      e.setSize(data.length);
      t.putArchiveEntry(e);
      t.write(data);
      t.closeArchiveEntry();
    }
    byte[] tar = bo.toByteArray(); // block 0: PAX header, 1: its records, 2: the entry's header
    assertEquals('x', tar[156]);
    Repository repo = Repository.open(dir.resolve("pax-bad"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      assertEquals(1, split(repo, pool, tar).externalFiles());
      byte[] badSum = tar.clone();
      badSum[2 * 512 + 10] ^= 0x55; // in the entry's name
      BadDataException c = assertThrows(BadDataException.class, () -> split(repo, pool, badSum));
      assertTrue(c.getMessage().contains("checksum") && c.getMessage().contains("at byte 1024"), c.getMessage());
      byte[] badRecord = tar.clone();
      badRecord[512] = 'x'; // the record's length is no number
      BadDataException r = assertThrows(BadDataException.class, () -> split(repo, pool, badRecord));
      assertTrue(r.getMessage().contains("corrupt extended header before byte 1024"), r.getMessage());
    }
  }

  @Test
  void sparseEntriesAreRejected() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      TarArchiveEntry e = new TarArchiveEntry("sparse");
      e.addPaxHeader("GNU.sparse.major", "1");
      e.addPaxHeader("GNU.sparse.minor", "0");
      e.addPaxHeader("GNU.sparse.name", "sparse");
      e.addPaxHeader("GNU.sparse.realsize", "1000");
      e.setSize(512);
      t.putArchiveEntry(e);
      t.write(new byte[512]);
      t.closeArchiveEntry();
    }
    Repository repo = Repository.open(dir.resolve("sp"), true);
    try (TaskPool pool = TaskPool.create(1)) {
      BadDataException x = assertThrows(BadDataException.class, () -> split(repo, pool, bo.toByteArray()));
      assertTrue(x.getMessage().contains("sparse"), x.getMessage());
    }
  }
}
