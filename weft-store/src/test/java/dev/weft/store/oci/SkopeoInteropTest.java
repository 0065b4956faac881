package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer made from real files on this machine (/usr/share/common-licenses), turned into a
 * {@code docker-archive} by skopeo, imported by weft and rebuilt bit for bit. Skipped without skopeo.
 */
class SkopeoInteropTest {
  @TempDir
  Path dir;

  static byte[] tarOf(Path root) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo); Stream<Path> s = Files.walk(root)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path p : s.sorted().filter(x -> !Files.isSymbolicLink(x)).toList()) {
        String name = root.getParent().relativize(p).toString() + (Files.isDirectory(p) ? "/" : "");
        TarArchiveEntry e = new TarArchiveEntry(p, name, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        t.putArchiveEntry(e);
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, t);
        }
        t.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  @Test
  void skopeoDockerArchiveImportsAndRebuildsBitExact() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo not installed");
    Path licenses = Path.of("/usr/share/common-licenses");
    assumeTrue(Files.isDirectory(licenses), "no /usr/share/common-licenses");
    byte[] tar = tarOf(licenses);
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", List.of(tar), "gzip");
    Path archive = dir.resolve("image.tar");
    Process p = new ProcessBuilder("/usr/bin/skopeo", "copy", "oci:" + layout + ":v1",
        "docker-archive:" + archive + ":example/licenses:v1").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      ImportReport r = new ImageImporter(repo, pool, ProgressListener.NONE).importImage(archive.toString(), null);
      assertEquals("docker.io/example/licenses:v1", r.name()); // skopeo writes the normalized name into RepoTags
      StoredImage img = StoredImage.load(repo, r.name());
      StoredImage.StoredLayer l = img.layers().get(0);
      assertEquals(TestImages.sha256(tar), l.diffId());
      assertArrayEquals(tar, SplitStream.load(repo, l.streamId(), l.streamName()).catBytes(repo));
    }
  }
}
