package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.BadDataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An archive source read from several threads at once, as the importer reads layers. */
class OciSourceTest {
  @TempDir
  Path dir;

  @Test
  void entriesReadAtOnceFromSeveralThreadsGetTheirOwnBytes() throws Exception {
    int files = 4;
    List<byte[]> contents = new ArrayList<>();
    Path archive = dir.resolve("a.tar");
    try (OutputStream o = Files.newOutputStream(archive); TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
      for (int i = 0; i < files; i++) {
        byte[] b = new byte[24_000 + i * 1000];
        java.util.Arrays.fill(b, (byte) ('a' + i)); // each entry one distinct byte: a stray read shows at once
        contents.add(b);
        TarArchiveEntry e = new TarArchiveEntry("layer" + i + "/layer.tar");
        e.setSize(b.length);
        t.putArchiveEntry(e);
        t.write(b);
        t.closeArchiveEntry();
      }
    }
    try (OciSource src = OciSource.open(archive); ExecutorService threads = Executors.newFixedThreadPool(files)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        int which = i;
        done.add(threads.submit(() -> {
          for (int round = 0; round < 3000; round++) {
            try (InputStream in = src.open("layer" + which + "/layer.tar")) {
              assertArrayEquals(contents.get(which), in.readAllBytes(), "entry " + which + ", round " + round);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
  }

  @Test
  void anArchiveCutInsideAnEntryIsAnErrorNotAShortRead() throws IOException {
    Path archive = dir.resolve("a.tar");
    byte[] b = new byte[10_000];
    try (OutputStream o = Files.newOutputStream(archive); TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
      TarArchiveEntry e = new TarArchiveEntry("x");
      e.setSize(b.length);
      t.putArchiveEntry(e);
      t.write(b);
      t.closeArchiveEntry();
    }
    try (OciSource src = OciSource.open(archive)) {
      assertEquals(b.length, src.size("x"));
      try (InputStream in = src.open("x")) {
        try (var ch = java.nio.channels.FileChannel.open(archive, java.nio.file.StandardOpenOption.WRITE)) {
          ch.truncate(512 + 4000); // cut while the entry is being read
        }
        java.io.EOFException e = assertThrows(java.io.EOFException.class, in::readAllBytes);
        assertTrue(e.getMessage().startsWith(archive + ": x: the archive ends at byte 4512"), e.getMessage());
      }
      BadDataException e = assertThrows(BadDataException.class, () -> src.open("x")); // cut before the open
      assertEquals(archive + ": x runs past the end of the archive", e.getMessage());
    }
  }

  @Test
  void aMissingArchiveEntryIsNamed() throws IOException {
    Path archive = dir.resolve("a.tar");
    Files.write(archive, new byte[1024]);
    try (OciSource src = OciSource.open(archive)) {
      BadDataException e = assertThrows(BadDataException.class, () -> src.read("manifest.json"));
      assertEquals(archive + ": manifest.json is missing", e.getMessage());
    }
  }
}
