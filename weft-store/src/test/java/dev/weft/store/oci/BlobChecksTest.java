package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import checks every blob against its descriptor: size and digest, also for layers already stored. */
class BlobChecksTest {
  @TempDir
  Path dir;

  void importInto(Path repoDir, Path layout) throws IOException {
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(Repository.open(repoDir, true), pool, ProgressListener.NONE).importImage(layout + ":v1", "img");
    }
  }

  Path layout(String name) throws IOException {
    return TestImages.writeLayout(dir.resolve(name), "v1", TestImages.layers(), "gzip");
  }

  static void flipBit(Path blob, int at) throws IOException {
    byte[] b = Files.readAllBytes(blob);
    b[at] ^= 1;
    Files.write(blob, b);
  }

  @Test
  void layerSizeDifferentFromTheBlobIsBadData() throws IOException {
    Path layout = layout("a");
    StoredLayerFinder.editManifest(layout, m -> {
      ObjectNode l = (ObjectNode) m.path("layers").get(0);
      l.put("size", l.path("size").asLong() + 10);
    });
    BadDataException e = assertThrows(BadDataException.class, () -> importInto(dir.resolve("r"), layout));
    assertTrue(e.getMessage().contains("descriptor says size"), e.getMessage());
  }

  @Test
  void configSizeDifferentFromTheBlobIsBadData() throws IOException {
    Path layout = layout("a");
    StoredLayerFinder.editManifest(layout, m -> ((ObjectNode) m.path("config")).put("size", 3));
    BadDataException e = assertThrows(BadDataException.class, () -> importInto(dir.resolve("r"), layout));
    assertTrue(e.getMessage().contains("config blob") && e.getMessage().contains("size 3"), e.getMessage());
  }

  @Test
  void corruptLayerBlobIsReportedAsDigestMismatch() throws IOException {
    Path layout = layout("a");
    String blob = StoredLayerFinder.firstLayerBlob(layout);
    flipBit(layout.resolve("blobs/sha256/" + blob), 100);
    BadDataException e = assertThrows(BadDataException.class, () -> importInto(dir.resolve("r"), layout));
    assertTrue(e.getMessage().contains("layer blob sha256:" + blob + " has digest sha256:"), e.getMessage());
  }

  @Test
  void corruptBlobOfALayerAlreadyStoredIsStillRefused() throws IOException {
    Path repo = dir.resolve("r");
    importInto(repo, layout("good"));
    Path bad = layout("bad");
    String blob = StoredLayerFinder.firstLayerBlob(bad);
    flipBit(bad.resolve("blobs/sha256/" + blob), 100);
    BadDataException e = assertThrows(BadDataException.class, () -> importInto(repo, bad));
    assertTrue(e.getMessage().contains("has digest"), e.getMessage());
  }

  @Test
  void aCutBlobWithAMatchingDescriptorIsRefusedEvenWhenItsDiffIdIsStored() throws IOException {
    Path repo = dir.resolve("r");
    importInto(repo, layout("good"));
    // The first layer's gzip blob cut in half, the manifest made to describe the cut blob exactly: only
    // decompressing it shows that it does not hold the tar its (stored) diff_id names.
    Path bad = layout("bad");
    Path blobs = bad.resolve("blobs/sha256");
    Path blob = blobs.resolve(StoredLayerFinder.firstLayerBlob(bad));
    byte[] whole = Files.readAllBytes(blob);
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
    Files.delete(blob);
    String cutDigest = TestImages.put(blobs, cut);
    StoredLayerFinder.editManifest(bad,
        m -> ((ObjectNode) m.path("layers").get(0)).put("digest", cutDigest).put("size", cut.length));
    BadDataException e = assertThrows(BadDataException.class, () -> importInto(repo, bad));
    assertTrue(e.getMessage().contains("corrupt or truncated gzip layer data"), e.getMessage());
    BadDataException fresh = assertThrows(BadDataException.class, () -> importInto(dir.resolve("fresh"), bad));
    assertTrue(fresh.getMessage().contains("corrupt or truncated gzip layer data"), fresh.getMessage());
    for (String m : new String[] {e.getMessage(), fresh.getMessage()}) {
      assertFalse(m.endsWith("null"), "a reason, not 'null': " + m);
    }
  }

  @Test
  void theSameLayersCompressedAnotherWayAreAcceptedWhenStored() throws IOException {
    Path repo = dir.resolve("r");
    importInto(repo, layout("gz"));
    Path zstd = TestImages.writeLayout(dir.resolve("zs"), "v1", TestImages.layers(), "zstd");
    importInto(repo, zstd); // new blob digests, same diff_ids: decompressed and checked, then skipped
    Path none = TestImages.writeLayout(dir.resolve("none"), "v1", TestImages.layers(), "none");
    importInto(repo, none);
  }

  @Test
  void aStoredBlobNamedWithAnotherCompressionIsCheckedAgain() throws IOException {
    Path repo = dir.resolve("r");
    importInto(repo, layout("good"));
    // The same gzip bytes under the same digest, but the manifest now says zstd: the stored image vouches
    // for these bytes as gzip only, so they are decompressed as the manifest says, and fail.
    Path relabelled = layout("relabelled");
    StoredLayerFinder.editManifest(relabelled,
        m -> ((ObjectNode) m.path("layers").get(0)).put("mediaType", TestImages.mediaType("zstd")));
    BadDataException e = assertThrows(BadDataException.class, () -> importInto(repo, relabelled));
    assertTrue(e.getMessage().contains("corrupt or truncated zstd layer data"), e.getMessage());
  }

  /** Replaces layer 0's blob by {@code blob}, with the manifest's digest and size made to match it. */
  static void replaceFirstLayerBlob(Path layout, byte[] blob) throws IOException {
    String digest = TestImages.put(layout.resolve("blobs/sha256"), blob);
    StoredLayerFinder.editManifest(layout, m -> ((ObjectNode) m.path("layers").get(0)).put("digest", digest)
        .put("size", blob.length));
  }

  @Test
  void gzipWithTrailingJunkIsRefusedLikeZstd() throws IOException {
    for (String how : new String[] {"gzip", "zstd"}) {
      Path layout = TestImages.writeLayout(dir.resolve("junk-" + how), "v1", TestImages.layers(), how);
      byte[] gz = TestImages.compress(TestImages.layers().get(0), how);
      byte[] junk = java.util.Arrays.copyOf(gz, gz.length + 8);
      System.arraycopy("junkjunk".getBytes(), 0, junk, gz.length, 8);
      replaceFirstLayerBlob(layout, junk); // digest and diff_id both match: only the junk is wrong
      BadDataException e = assertThrows(BadDataException.class, () -> importInto(dir.resolve("r-" + how), layout));
      assertTrue(e.getMessage().contains("corrupt or truncated " + how + " layer data"), how + ": " + e.getMessage());
      // QA round 11: the source first, as in every other import error, then the layer.
      assertTrue(e.getMessage().startsWith(layout + ": layer sha256:" + TestImages.sha256(junk).substring(7)),
          e.getMessage());
    }
  }

  @Test
  void gzipWithTrailingJunkIsRefusedAlsoWhenItsDiffIdIsStored() throws IOException {
    Path repo = dir.resolve("r");
    importInto(repo, layout("good"));
    Path layout = layout("junk");
    byte[] gz = TestImages.compress(TestImages.layers().get(0), "gzip");
    byte[] junk = java.util.Arrays.copyOf(gz, gz.length + 3); // three zero bytes
    replaceFirstLayerBlob(layout, junk);
    BadDataException e = assertThrows(BadDataException.class, () -> importInto(repo, layout));
    assertTrue(e.getMessage().contains("corrupt or truncated gzip layer data"), e.getMessage());
  }

  @Test
  void concatenatedGzipMembersAreOneValidLayer() throws IOException {
    byte[] tar = TestImages.layers().get(0);
    int cut = 1000;
    byte[] a = TestImages.compress(java.util.Arrays.copyOfRange(tar, 0, cut), "gzip");
    byte[] b = TestImages.compress(java.util.Arrays.copyOfRange(tar, cut, tar.length), "gzip");
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    Path layout = layout("members");
    replaceFirstLayerBlob(layout, both);
    Path repo = dir.resolve("r");
    importInto(repo, layout); // RFC 1952: a gzip file is a series of members
    Repository r = Repository.open(repo, false);
    StoredImage.StoredLayer l = StoredImage.load(r, "img").layers().get(0);
    org.junit.jupiter.api.Assertions.assertArrayEquals(tar,
        dev.weft.store.splitstream.SplitStream.load(r, l.streamId(), l.streamName()).catBytes(r));
  }
}
