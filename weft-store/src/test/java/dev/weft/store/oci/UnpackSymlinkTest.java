package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.repo.Repository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Symlinks in entries' parent paths resolve inside DIR, as umoci's SecureJoin does: absolute targets from
 * DIR, {@code ..} clamped at DIR, loops bad data. Nothing is ever written outside DIR. Also: symlink
 * targets stored verbatim, and progress.
 */
class UnpackSymlinkTest {
  @TempDir
  Path dir;

  interface Layer {
    void write(TarArchiveOutputStream t) throws IOException;
  }

  static byte[] tar(Layer l) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      l.write(t);
    }
    return bo.toByteArray();
  }

  Repository importLayers(Layer... layers) throws IOException {
    List<byte[]> tars = new java.util.ArrayList<>();
    for (Layer l : layers) {
      tars.add(tar(l));
    }
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", tars, "gzip");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "img");
    }
    return repo;
  }

  /** Every path under {@code dir} outside {@code except}, with its size and mode. */
  static Map<String, String> snapshot(Path dir, Path except) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      Map<String, String> m = new TreeMap<>();
      for (Path p : s.filter(p -> !p.startsWith(except)).toList()) {
        m.put(dir.relativize(p).toString(), (Files.isRegularFile(p) ? Files.size(p) + " " : "")
            + PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)));
      }
      return m;
    }
  }

  @Test
  void anEntryThroughAnInRootSymlinkLandsAtItsTargetAndTheSymlinkStays() throws IOException {
    Repository repo = importLayers(t -> {
      TestImages.dir(t, "usr/", 0755);
      TestImages.dir(t, "usr/lib/", 0755);
      TestImages.symlink(t, "lib", "usr/lib");
    }, t -> TestImages.file(t, "lib/bar", "bar\n".getBytes(), 0644));
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    assertArrayEquals("bar\n".getBytes(), Files.readAllBytes(out.resolve("usr/lib/bar")));
    assertTrue(Files.isSymbolicLink(out.resolve("lib")), "lib stays a symlink");
    assertEquals(Path.of("usr/lib"), Files.readSymbolicLink(out.resolve("lib")));
  }

  /** Review r11: the JDK's createSymbolicLink dropped a trailing or doubled '/'; the bytes are the tar's now. */
  @Test
  void symlinkTargetsKeepTheirExactBytes() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.weft.store.fs.NativeFs.available(), "no native access");
    Repository repo = importLayers(t -> {
      TestImages.dir(t, "usr/lib/", 0755);
      TestImages.symlink(t, "trail", "usr/lib/");
      TestImages.symlink(t, "double", "usr//lib");
      TestImages.symlink(t, "dots", "./usr/../usr/lib");
    });
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    for (String[] link : new String[][] {{"trail", "usr/lib/"}, {"double", "usr//lib"}, {"dots", "./usr/../usr/lib"}}) {
      // readlink(1) prints the raw target; Files.readSymbolicLink would normalize it again.
      Process p = new ProcessBuilder("readlink", out.resolve(link[0]).toString()).start();
      assertEquals(link[1], new String(p.getInputStream().readAllBytes()).strip(), link[0]);
      assertEquals(0, p.waitFor());
    }
  }

  @Test
  void anAbsoluteSymlinkInAParentPathResolvesInsideDir() throws IOException {
    Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
    Path canary = Files.writeString(sandbox.resolve("canary"), "host\n");
    Repository repo = importLayers(t -> {
      TestImages.dir(t, "usr/lib/", 0755);
      TestImages.symlink(t, "lib", "/usr/lib");
      TestImages.file(t, "lib/x", "x\n".getBytes(), 0644);
      // A symlink to the host's sandbox: taken from DIR's root, so the host file is not touched.
      TestImages.symlink(t, "host", sandbox.toString());
      TestImages.file(t, "host/canary", "image\n".getBytes(), 0644);
    });
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    assertArrayEquals("x\n".getBytes(), Files.readAllBytes(out.resolve("usr/lib/x")));
    assertEquals("host\n", Files.readString(canary), "the host file is untouched");
    assertEquals("image\n", Files.readString(out.resolve(sandbox.toString().substring(1)).resolve("canary")));
  }

  @Test
  void aSymlinkChainClimbingAboveTheRootIsClampedAtDir() throws IOException {
    Path sandbox = Files.createDirectories(dir.resolve("sandbox/a/b"));
    Files.writeString(sandbox.resolve("sentinel"), "host\n");
    Files.writeString(dir.resolve("sentinel"), "host\n");
    Repository repo = importLayers(t -> {
      TestImages.dir(t, "d/", 0755);
      TestImages.symlink(t, "d/up", "../../../../../..");
      TestImages.symlink(t, "chain", "d/up/../d/up/..");
    }, t -> {
      TestImages.file(t, "chain/sentinel", "image\n".getBytes(), 0600);
      TestImages.file(t, "d/up/escape.txt", "image\n".getBytes(), 0600);
      TestImages.dir(t, "chain/newdir/", 0700);
    });
    Path out = sandbox.resolve("out");
    Map<String, String> before = snapshot(dir, out);
    new Unpacker(repo).unpack("img", out);
    assertEquals(before, snapshot(dir, out), "nothing outside DIR is written, created or chmodded");
    assertEquals("image\n", Files.readString(out.resolve("sentinel")));
    assertEquals("image\n", Files.readString(out.resolve("escape.txt")));
    assertTrue(Files.isDirectory(out.resolve("newdir")));
  }

  @Test
  void aSymlinkLoopIsBadDataNotAHang() throws IOException {
    Repository repo = importLayers(t -> {
      TestImages.symlink(t, "a", "b");
      TestImages.symlink(t, "b", "a");
      TestImages.file(t, "a/x", "x\n".getBytes(), 0644);
    });
    Path out = dir.resolve("root");
    BadDataException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(BadDataException.class, () -> new Unpacker(repo).unpack("img", out)));
    assertTrue(e.getMessage().contains("entry 'a/x'") && e.getMessage().contains("symlink loop"), e.getMessage());
    assertFalse(Files.exists(out), "no partial unpack left behind");
  }

  @Test
  void aRelativeSymlinkWithMoreDotDotThanItsDepthIsStoredVerbatim() throws IOException {
    Repository repo = importLayers(t -> {
      TestImages.file(t, "bin/sh", "sh\n".getBytes(), 0755);
      TestImages.symlink(t, "usr/bin/sh2", "../../../bin/sh");
    });
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    assertEquals(Path.of("../../../bin/sh"), Files.readSymbolicLink(out.resolve("usr/bin/sh2")));
  }

  @Test
  void aSymlinkWithAnEmptyTargetIsRefusedWithTheReason() throws IOException {
    Repository repo = importLayers(t -> TestImages.symlink(t, "s", ""));
    Path out = dir.resolve("root");
    BadDataException e = assertThrows(BadDataException.class, () -> new Unpacker(repo).unpack("img", out));
    assertTrue(e.getMessage().endsWith("symlink 's' has an empty target"), e.getMessage());
    assertFalse(Files.exists(out), "no partial unpack left behind");
  }

  @Test
  void whiteoutsAndOpaqueMarkersResolveTheirParentThroughInRootSymlinks() throws IOException {
    Repository repo = importLayers(t -> {
      TestImages.file(t, "usr/lib/old", "old\n".getBytes(), 0644);
      TestImages.file(t, "usr/share/a", "a\n".getBytes(), 0644);
      TestImages.symlink(t, "lib", "usr/lib");
      TestImages.symlink(t, "share", "/usr/share");
      TestImages.symlink(t, "gone", "usr/lib");
    }, t -> {
      TestImages.file(t, "lib/.wh.old", new byte[0], 0644);
      TestImages.file(t, "share/.wh..wh..opq", new byte[0], 0644);
      TestImages.file(t, "share/b", "b\n".getBytes(), 0644);
      TestImages.file(t, ".wh.gone", new byte[0], 0644); // the symlink itself, not what it points to
    });
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    assertFalse(Files.exists(out.resolve("usr/lib/old")), "whited out through lib");
    assertTrue(Files.isSymbolicLink(out.resolve("lib")), "lib stays a symlink");
    assertEquals(Set.of("b"), names(out.resolve("usr/share")), "opaque through share");
    assertFalse(Files.exists(out.resolve("gone"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "the symlink is whited out");
    assertTrue(Files.isDirectory(out.resolve("usr/lib")), "not its target");
  }

  @Test
  void hardLinksResolveTheirTargetsParentInsideDir() throws IOException {
    Repository repo = importLayers(t -> {
      TestImages.file(t, "usr/lib/f", "f\n".getBytes(), 0644);
      TestImages.file(t, "etc/passwd", "image's\n".getBytes(), 0644);
      TestImages.symlink(t, "lib", "usr/lib");
    }, t -> {
      TestImages.link(t, "hl", "lib/f");
      TestImages.link(t, "lib/hl2", "/usr/lib/f"); // absolute: from DIR's root, as umoci does
      TestImages.link(t, "pw", "/etc/passwd");
    });
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    Path f = out.resolve("usr/lib/f");
    assertTrue(Files.isSameFile(f, out.resolve("hl")) && !Files.isSymbolicLink(out.resolve("hl")));
    assertTrue(Files.isSameFile(f, out.resolve("usr/lib/hl2")));
    assertEquals(3, ((Number) Files.getAttribute(f, "unix:nlink")).intValue());
    assertEquals("image's\n", Files.readString(out.resolve("pw")), "the image's /etc/passwd, not the host's");
  }

  @ParameterizedTest
  @CsvSource({"../../etc/passwd, leaves the target directory", "/etc/passwd, names no regular file",
      "evil/passwd, names no regular file", "evil, names no regular file"})
  void hardLinksLeavingDirOrToAHostPathAreRefused(String target, String problem) throws IOException {
    // /etc/passwd exists on the host, not in DIR; evil -> /etc resolves to DIR/etc; a hard link to the
    // symlink evil itself is refused too (umoci 0.4.7 would link the symlink; docs/store.md says so).
    Repository repo = importLayers(t -> {
      TestImages.symlink(t, "evil", "/etc");
      TestImages.link(t, "x", target);
    });
    Path out = dir.resolve("root");
    BadDataException e = assertThrows(BadDataException.class, () -> new Unpacker(repo).unpack("img", out));
    assertTrue(e.getMessage().endsWith("hard link 'x' -> '" + target + "' " + problem), e.getMessage());
    assertFalse(Files.exists(out), "no partial unpack left behind");
  }

  @Test
  void aDirectoryReplacedByASymlinkDoesNotGetItsModeAppliedOutsideDir() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside/sub"));
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
    Repository repo = importLayers(t -> {
      TestImages.dir(t, "d/", 0755);
      TestImages.dir(t, "d/sub/", 0700);
    }, t -> TestImages.symlink(t, "d", outside.getParent().toString()));
    Path out = dir.resolve("root");
    new Unpacker(repo).unpack("img", out);
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)),
        "the lower layer's d/sub mode is not applied through the upper layer's symlink");
    assertTrue(Files.isSymbolicLink(out.resolve("d")));
  }

  @Test
  void progressCountsEveryLayersTarBytes() throws IOException {
    Repository repo = importLayers(t -> TestImages.file(t, "a", TestImages.data(100_000, 1), 0644),
        t -> TestImages.file(t, "b", TestImages.data(50_000, 2), 0644));
    Map<ProgressTask, Boolean> tasks = new ConcurrentHashMap<>();
    ProgressListener rec = new ProgressListener() {
      @Override
      public void started(ProgressTask task) {
        tasks.put(task, false);
      }

      @Override
      public void finished(ProgressTask task) {
        tasks.put(task, true);
      }
    };
    new Unpacker(repo, rec).unpack("img", dir.resolve("root"));
    List<ProgressTask> top = tasks.keySet().stream().filter(t -> t.parent() == null).toList();
    assertEquals(1, top.size(), tasks.keySet().toString());
    ProgressTask overall = top.get(0);
    assertEquals("unpack img", overall.name());
    assertEquals("bytes", overall.unit());
    List<ProgressTask> layers = tasks.keySet().stream().filter(t -> t.parent() == overall).toList();
    assertEquals(2, layers.size());
    long sum = 0;
    for (ProgressTask l : layers) {
      assertTrue(l.total() > 0 && l.done() == l.total(), l.name() + " " + l.done() + "/" + l.total());
      sum += l.total();
    }
    assertTrue(sum > 150_000, "tar bytes: " + sum);
    assertEquals(sum, overall.total());
    assertEquals(sum, overall.done());
    assertTrue(tasks.values().stream().allMatch(b -> b), "every task finished");
  }

  private static Set<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
