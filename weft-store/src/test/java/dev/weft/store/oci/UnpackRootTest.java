package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.fs.NativeFs;
import dev.weft.store.repo.Repository;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpack as root: ownership (files, directories, symlinks), device nodes, fifos, setuid kept after chown,
 * and extended attributes from PAX headers; compared with {@code umoci unpack} (as root) when installed.
 * Skipped when not root.
 */
class UnpackRootTest {
  @TempDir
  Path dir;

  private static final List<String> PATHS = List.of("etc", "etc/owned", "etc/link", "dev/null", "dev/loop9",
      "run/fifo", "etc/tagged");

  static byte[] layer() throws Exception {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TestImages.dir(t, "etc/", 0755);
      TestImages.dir(t, "dev/", 0755);
      TestImages.dir(t, "run/", 0755);
      byte[] content = "owned by 1234:5678, setuid\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry f = new TarArchiveEntry("etc/owned");
      f.setMode(0104755);
      f.setSize(content.length);
      f.setUserId(1234);
      f.setGroupId(5678);
      f.setModTime(1_700_000_000_000L);
      t.putArchiveEntry(f);
      t.write(content);
      t.closeArchiveEntry();
      TarArchiveEntry l = new TarArchiveEntry("etc/link", TarConstants.LF_SYMLINK);
      l.setLinkName("owned");
      l.setUserId(42);
      l.setGroupId(43);
      l.setModTime(1_700_000_000_000L);
      t.putArchiveEntry(l);
      t.closeArchiveEntry();
      special(t, "dev/null", TarConstants.LF_CHR, 0666, 1, 3);
      special(t, "dev/loop9", TarConstants.LF_BLK, 0660, 7, 9);
      special(t, "run/fifo", TarConstants.LF_FIFO, 0600, 0, 0);
      byte[] tagged = "has an xattr\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry x = new TarArchiveEntry("etc/tagged");
      x.setMode(0100644);
      x.setSize(tagged.length);
      x.setModTime(1_700_000_000_000L);
      x.addPaxHeader("SCHILY.xattr.user.weft", "hello");
      t.putArchiveEntry(x);
      t.write(tagged);
      t.closeArchiveEntry();
    }
    return bo.toByteArray();
  }

  private static void special(TarArchiveOutputStream t, String name, byte type, int mode, int major, int minor)
      throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setMode(mode);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    e.setUserId(7);
    e.setGroupId(8);
    e.setModTime(1_700_000_000_000L);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  @Test
  void rootUnpackAppliesOwnershipDevicesFifosAndXattrs() throws Exception {
    assumeTrue(NativeFs.available() && NativeFs.isRoot(), "needs root");
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", List.of(layer()), "gzip");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2, new Limits())) {
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", null);
    }
    Path out = dir.resolve("rootfs");
    Unpacker.Report r = new Unpacker(repo).unpack("v1", out);
    assertEquals(List.of(), r.skipped(), "nothing skipped as root");

    Path owned = out.resolve("etc/owned");
    assertEquals(1234, attr(owned, "uid"));
    assertEquals(5678, attr(owned, "gid"));
    assertEquals(04755, attr(owned, "mode") & 07777, "setuid survives the chown");
    Path link = out.resolve("etc/link");
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(42, attr(link, "uid"), "lchown, not the target");
    assertEquals(1234, ((Number) Files.getAttribute(link, "unix:uid")).intValue(), "the target keeps its owner");
    Path nul = out.resolve("dev/null");
    assertEquals(0020000, attr(nul, "mode") & 0170000, "character device");
    assertEquals(NativeFs.makedev(1, 3), ((Number) Files.getAttribute(nul, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue());
    assertEquals(0666, attr(nul, "mode") & 07777);
    assertEquals(7, attr(nul, "uid"));
    Path loop = out.resolve("dev/loop9");
    assertEquals(0060000, attr(loop, "mode") & 0170000, "block device");
    assertEquals(NativeFs.makedev(7, 9), ((Number) Files.getAttribute(loop, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue());
    assertEquals(0010000, attr(out.resolve("run/fifo"), "mode") & 0170000, "fifo");
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), NativeFs.lgetxattr(out.resolve("etc/tagged"), "user.weft"));

    if (Files.isExecutable(Path.of("/usr/bin/umoci"))) {
      Path bundle = dir.resolve("umoci");
      Process p = new ProcessBuilder("/usr/bin/umoci", "unpack", "--image", layout + ":v1", bundle.toString())
          .redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "umoci unpack: " + log);
      Path theirs = bundle.resolve("rootfs");
      for (String path : PATHS) {
        Path a = out.resolve(path);
        Path b = theirs.resolve(path);
        for (String key : List.of("uid", "gid", "mode", "rdev")) {
          if (key.equals("mode") && Files.isSymbolicLink(a)) {
            continue; // a symlink's mode is not meaningful
          }
          assertEquals(attr(b, key), attr(a, key), path + " " + key + " as umoci");
        }
        if (!Files.isSymbolicLink(a)) {
          assertArrayEquals(NativeFs.lgetxattr(b, "user.weft"), NativeFs.lgetxattr(a, "user.weft"), path + " xattr as umoci");
        }
      }
    }
  }

  private static long attr(Path p, String key) throws Exception {
    return ((Number) Files.getAttribute(p, "unix:" + key, LinkOption.NOFOLLOW_LINKS)).longValue();
  }
}
