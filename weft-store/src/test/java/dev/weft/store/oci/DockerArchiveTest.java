package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code docker save} archives: manifest.json naming a config file and uncompressed layer tars. */
class DockerArchiveTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  static Path dockerSave(Path file, List<byte[]> tars, boolean corruptConfig) throws IOException {
    return dockerSave(file, tars, tars, corruptConfig);
  }

  /** An archive whose config names the diff_ids of {@code described} but whose layer files hold {@code tars}. */
  static Path dockerSave(Path file, List<byte[]> described, List<byte[]> tars, boolean corruptConfig)
      throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64");
    ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ArrayNode layerPaths = JSON.createArrayNode();
    for (int i = 0; i < tars.size(); i++) {
      diffIds.add(TestImages.sha256(described.get(i)));
      layerPaths.add("layer" + i + "/layer.tar");
    }
    byte[] cfg = JSON.writeValueAsBytes(config);
    String cfgName = TestImages.sha256(cfg).substring(7) + ".json";
    if (corruptConfig) {
      cfg = JSON.writeValueAsBytes(config.put("os", "tampered"));
    }
    ArrayNode manifest = JSON.createArrayNode();
    ObjectNode m = manifest.addObject();
    m.put("Config", cfgName);
    m.putArray("RepoTags").add("example/app:1.0");
    m.set("Layers", layerPaths);
    try (OutputStream o = Files.newOutputStream(file); TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
      add(t, cfgName, cfg);
      for (int i = 0; i < tars.size(); i++) {
        add(t, "layer" + i + "/layer.tar", tars.get(i));
      }
      add(t, "manifest.json", JSON.writeValueAsBytes(manifest));
    }
    return file;
  }

  static void add(TarArchiveOutputStream t, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    t.putArchiveEntry(e);
    t.write(data);
    t.closeArchiveEntry();
  }

  @Test
  void importsADockerSaveArchiveUnderItsTag() throws IOException {
    List<byte[]> tars = TestImages.layers();
    Path archive = dockerSave(dir.resolve("saved.tar"), tars, false);
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      ImportReport r = new ImageImporter(repo, pool, ProgressListener.NONE).importImage(archive.toString(), null);
      assertEquals("example/app:1.0", r.name());
      StoredImage img = StoredImage.load(repo, "example/app:1.0");
      for (int i = 0; i < tars.size(); i++) {
        StoredImage.StoredLayer l = img.layers().get(i);
        assertArrayEquals(tars.get(i), SplitStream.load(repo, l.streamId(), l.streamName()).catBytes(repo));
      }
      assertTrue(repo.refTarget("oci/example%2Fapp:1.0").isPresent(), "name percent-encoded as composefs does");
    }
  }

  @Test
  void aConfigThatDoesNotMatchItsNameIsRefused() throws IOException {
    Path archive = dockerSave(dir.resolve("bad.tar"), TestImages.layers(), true);
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      BadDataException e = assertThrows(BadDataException.class,
          () -> new ImageImporter(repo, pool, ProgressListener.NONE).importImage(archive.toString(), null));
      assertTrue(e.getMessage().contains("config"), e.getMessage());
    }
  }

  @Test
  void aDamagedLayerFileIsRefusedEvenWhenItsDiffIdIsStored() throws IOException {
    List<byte[]> tars = TestImages.layers();
    Repository repo = Repository.open(dir.resolve("repo"), true);
    List<byte[]> damaged = new java.util.ArrayList<>(tars);
    byte[] junk = tars.get(0).clone();
    junk[700] ^= 1;
    damaged.set(0, junk);
    Path good = dockerSave(dir.resolve("good.tar"), tars, false);
    Path bad = dockerSave(dir.resolve("bad.tar"), tars, damaged, false);
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(good.toString(), null);
      // Archives carry no blob digests: a stored diff_id alone does not vouch for a layer file.
      BadDataException e = assertThrows(BadDataException.class,
          () -> new ImageImporter(repo, pool, ProgressListener.NONE).importImage(bad.toString(), null));
      assertTrue(e.getMessage().contains("diff_id"), e.getMessage());
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(good.toString(), null); // still fine
    }
  }
}
