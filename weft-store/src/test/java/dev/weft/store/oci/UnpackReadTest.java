package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
  }
}
