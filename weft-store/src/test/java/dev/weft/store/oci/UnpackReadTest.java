package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Readers of stored streams (cat, unpack) verify objects; unpack copes with tars lacking parent dirs. */
class UnpackReadTest {
  @TempDir
  Path dir;

  Repository importLayout(List<byte[]> tars) throws IOException {
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", tars, "gzip");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "img");
    }
    return repo;
  }

  @Test
  void anInterruptedThreadStopsRebuildingAStream() throws IOException {
    // Ctrl-C interrupts the command's thread and its pool tasks; plain file reads ignore that, so the
    // stream checks for it (before, an unpack or export, which rebuild layers through open() and cat(),
    // ran to its end and printed success).
    Repository repo = importLayout(TestImages.layers());
    StoredImage img = StoredImage.load(repo, "img");
    SplitStream ss = SplitStream.load(repo, img.layers().get(0).streamId(), "l0");
    Thread.currentThread().interrupt();
    try {
      assertThrows(java.util.concurrent.CancellationException.class, () -> ss.catBytes(repo));
      assertThrows(java.util.concurrent.CancellationException.class, () -> {
        try (InputStream in = ss.open(repo)) {
          in.read(new byte[512]);
        }
      });
    } finally {
      Thread.interrupted();
    }
    assertTrue(ss.catBytes(repo).length > 0, "without the interrupt the same stream rebuilds");
  }

  @Test
  void catAndUnpackRefuseACorruptObjectAndLeaveNoOutput() throws IOException {
    Repository repo = importLayout(TestImages.layers());
    StoredImage img = StoredImage.load(repo, "img");
    SplitStream ss = SplitStream.load(repo, img.layers().get(0).streamId(), "l0");
    var victim = ss.objectRefs().get(0);
    byte[] b = Files.readAllBytes(repo.objectPath(victim));
    b[10] ^= 1;
    Files.write(repo.objectPath(victim), b);

    BadDataException cat = assertThrows(BadDataException.class, () -> ss.catBytes(repo));
    assertTrue(cat.getMessage().contains(victim.hex()), cat.getMessage());
    BadDataException streamed = assertThrows(BadDataException.class, () -> {
      try (InputStream in = ss.open(repo)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    });
    assertTrue(streamed.getMessage().contains(victim.hex()), streamed.getMessage());

    Path out = dir.resolve("root");
    BadDataException up = assertThrows(BadDataException.class, () -> new Unpacker(repo).unpack("img", out));
    assertTrue(up.getMessage().contains(victim.hex()), up.getMessage());
    assertFalse(Files.exists(out), "no partial unpack left behind");
  }

  /** Review r11: another user's empty DIR could be changed under the unpack (paths are resolved, not fds). */
  @Test
  void anEmptyDirectoryOfAnotherUserIsRefused() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.weft.store.fs.NativeFs.isRoot(),
        "only root can make a directory another user's");
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(a)) {
      TestImages.file(t, "etc/x", "x\n".getBytes(), 0644);
    }
    Repository repo = importLayout(List.of(a.toByteArray()));
    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    Files.setAttribute(theirs, "unix:uid", 65534);
    dev.weft.runtime.UsageException e = assertThrows(dev.weft.runtime.UsageException.class,
        () -> new Unpacker(repo).unpack("img", theirs));
    assertTrue(e.getMessage().contains("owned by another user (uid 65534)"), e.getMessage());
    try (var left = Files.list(theirs)) {
      assertEquals(0, left.count(), "nothing written");
    }
  }

  @Test
  void unpackCreatesMissingParentDirectories() throws IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    byte[] text = "hello\n".getBytes();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(a)) {
      TestImages.file(t, "usr/share/doc/readme.txt", text, 0644);
    }
    Repository repo = importLayout(List.of(a.toByteArray()));
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    assertArrayEquals(text, Files.readAllBytes(out.resolve("usr/share/doc/readme.txt")));
    assertEquals(0, Files.getLastModifiedTime(out).toMillis(), "no './' entry: DIR gets the epoch (umoci 0.4.7 leaves the time of the unpack)");
  }

  @ParameterizedTest
  @ValueSource(strings = {".wh..", ".wh...", "sub/.wh..", "sub/.wh..."})
  void aWhiteoutNamingTheDirectoryOrItsParentIsRefusedAndDeletesNothing(String whiteout) throws IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(a)) {
      TestImages.file(t, "sub/keep.txt", "k\n".getBytes(), 0644);
      TestImages.file(t, whiteout, new byte[0], 0644);
    }
    Repository repo = importLayout(List.of(a.toByteArray()));
    Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
    Path canary = Files.writeString(sandbox.resolve("canary"), "c");
    Path out = sandbox.resolve("out");
    BadDataException e = assertThrows(BadDataException.class, () -> new Unpacker(repo).unpack("img", out));
    assertTrue(e.getMessage().contains("not a valid whiteout"), e.getMessage());
    assertTrue(Files.exists(canary), "nothing outside DIR is touched");
    assertFalse(Files.exists(out), "no partial unpack left behind");
  }

  @Test
  void aWhiteoutHidesOnlyLowerLayersEntries() throws IOException {
    ByteArrayOutputStream lower = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(lower)) {
      TestImages.file(t, "a/f", "old\n".getBytes(), 0644);
      TestImages.file(t, "a/g", "old\n".getBytes(), 0644);
      TestImages.file(t, "d/lower.txt", "old\n".getBytes(), 0644);
    }
    ByteArrayOutputStream upper = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(upper)) {
      // Same-layer entries before and after their whiteouts: the spec keeps them either way.
      TestImages.file(t, "a/f", "new\n".getBytes(), 0644);
      TestImages.file(t, "a/.wh.f", new byte[0], 0644);
      TestImages.file(t, "a/.wh.g", new byte[0], 0644);
      TestImages.file(t, "d/.wh..wh..opq", new byte[0], 0644);
      TestImages.file(t, ".wh.d", new byte[0], 0644);
      TestImages.file(t, "d/upper.txt", "new\n".getBytes(), 0644);
    }
    Repository repo = importLayout(List.of(lower.toByteArray(), upper.toByteArray()));
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    assertArrayEquals("new\n".getBytes(), Files.readAllBytes(out.resolve("a/f")));
    assertFalse(Files.exists(out.resolve("a/g")), "a lower file is hidden");
    assertFalse(Files.exists(out.resolve("d/lower.txt")), "a lower directory's entries are hidden");
    assertArrayEquals("new\n".getBytes(), Files.readAllBytes(out.resolve("d/upper.txt")));
  }

  @Test
  void anXattrValueTheKernelRejectsIsBadData() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.weft.store.fs.NativeFs.available(), "needs native xattrs");
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(a)) {
      byte[] text = "x\n".getBytes();
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
          new org.apache.commons.compress.archivers.tar.TarArchiveEntry("f");
      e.setSize(text.length);
      e.addPaxHeader("SCHILY.xattr.user.big", "v".repeat(70_000)); // over the kernel's 64 KiB: E2BIG
      t.putArchiveEntry(e);
      t.write(text);
      t.closeArchiveEntry();
    }
    Repository repo = importLayout(List.of(a.toByteArray()));
    Path out = dir.resolve("root");
    BadDataException e = assertThrows(BadDataException.class, () -> new Unpacker(repo).unpack("img", out));
    assertTrue(e.getMessage().contains("xattr user.big rejected"), e.getMessage());
    assertFalse(Files.exists(out), "no partial unpack left behind");
  }

  @Test
  void entriesThatCannotBeWrittenAreBadDataNamingTheEntry() throws IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(a)) {
      TestImages.dir(t, "d/", 0755);
      TestImages.file(t, "d", "now a file\n".getBytes(), 0644);
      TestImages.file(t, "d/x", "under a file\n".getBytes(), 0644);
    }
    Repository repo = importLayout(List.of(a.toByteArray()));
    Path out = dir.resolve("root");
    BadDataException e = assertThrows(BadDataException.class, () -> new Unpacker(repo).unpack("img", out));
    assertTrue(e.getMessage().contains("entry 'd/x' cannot be unpacked"), e.getMessage());
    assertFalse(Files.exists(out), "no partial unpack left behind");
  }
}
