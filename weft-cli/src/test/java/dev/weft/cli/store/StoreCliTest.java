package dev.weft.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.Main;
import dev.weft.store.oci.TestImagesForCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 2];
    full[0] = "--repo";
    full[1] = dir.resolve("repo").toString();
    System.arraycopy(args, 0, full, 2, args.length);
    int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void importInspectExportFsckGcEndToEnd() throws IOException {
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    Run imp = weft("--json", "oci", "import", layout + ":v1", "--name", "demo:v1");
    assertEquals(0, imp.code(), imp.err());
    JsonNode j = new ObjectMapper().readTree(imp.out());
    assertEquals(3, j.get("layers_imported").asInt());
    Run again = weft("--json", "oci", "import", layout + ":v1", "--name", "demo:v1");
    assertEquals(0, new ObjectMapper().readTree(again.out()).get("objects_written").asLong());
    assertTrue(weft("oci", "ls").out().contains("demo:v1"));
    Run insp = weft("--json", "oci", "inspect", "demo:v1");
    assertEquals(0, insp.code(), insp.err());
    String diffId = new ObjectMapper().readTree(insp.out()).get("layers").get(0).get("diff_id").asText();
    Path tar = dir.resolve("layer.tar");
    assertEquals(0, weft("cat", "oci-layer-" + diffId, "-o", tar.toString()).code());
    assertEquals(diffId, TestImagesForCli.sha256(Files.readAllBytes(tar)));
    assertEquals(0, weft("oci", "export", "demo:v1", dir.resolve("out").toString(), "--compress", "zstd").code());
    assertEquals(0, weft("fsck").code());
    Run unpack = weft("oci", "unpack", "demo:v1", dir.resolve("rootfs").toString());
    assertEquals(0, unpack.code(), unpack.err());
    Path rootfs = dir.resolve("rootfs");
    assertEquals("weft2\n", Files.readString(rootfs.resolve("etc/hostname")));
    assertFalse(Files.exists(rootfs.resolve("usr/lib/gone"), LinkOption.NOFOLLOW_LINKS), "whiteout applied");
    assertFalse(Files.exists(rootfs.resolve("usr/lib/old/stale")), "opaque dir applied");
    assertTrue(Files.exists(rootfs.resolve("usr/lib/old/fresh")));
    assertEquals(0, weft("oci", "untag", "demo:v1").code());
    Run gc = weft("--json", "gc");
    assertEquals(0, gc.code(), gc.err());
    assertTrue(new ObjectMapper().readTree(gc.out()).get("objects").asLong() > 0);
    assertEquals(3, weft("oci", "inspect", "demo:v1").code(), "gone after untag");
  }

  @Test
  void corruptObjectMakesFsckExit3AndBadInputIsOneLine() throws IOException {
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    assertEquals(0, weft("oci", "import", layout + ":v1").code());
    Path objects = dir.resolve("repo/objects");
    Path victim;
    try (Stream<Path> s = Files.walk(objects)) {
      victim = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
    }
    Files.write(victim, new byte[] {42});
    Run f = weft("fsck");
    assertEquals(3, f.code());
    assertTrue(f.err().contains(objects.relativize(victim).toString().replace("/", "")), f.err());
    Files.writeString(layout.resolve("index.json"), "not json");
    Run bad = weft("oci", "import", layout + ":v1");
    assertEquals(3, bad.code());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("index.json"));
  }

  /** Our unpack against umoci's on the same image (skipped where umoci is not installed). */
  @Test
  void unpackMatchesUmoci() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci")), "umoci not installed");
    Path layout = TestImagesForCli.layoutNoZstd(dir.resolve("layout"), "v1");
    assertEquals(0, weft("oci", "import", layout + ":v1").code());
    assertEquals(0, weft("oci", "unpack", "v1", dir.resolve("ours").toString()).code());
    Process p = new ProcessBuilder("/usr/bin/umoci", "unpack", "--rootless", "--image", layout + ":v1",
        dir.resolve("bundle").toString()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), log);
    assertEquals(tree(dir.resolve("bundle/rootfs")), tree(dir.resolve("ours")));
  }

  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        String rel = root.relativize(p).toString();
        if (rel.isEmpty()) {
          continue;
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        String desc;
        if (Files.isSymbolicLink(p)) {
          desc = "link " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          desc = "dir " + Integer.toOctalString(mode & 07777);
        } else {
          desc = "file " + Integer.toOctalString(mode & 07777) + " " + TestImagesForCli.sha256(Files.readAllBytes(p))
              + " mtime " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000
              + " nlink " + Files.getAttribute(p, "unix:nlink");
        }
        out.put(rel, desc);
      }
    }
    return out;
  }

  @Test
  void jsonCatToAFileSaysWhatItWrote() throws IOException {
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    assertEquals(0, weft("oci", "import", layout + ":v1", "--name", "img").code());
    String ref = "refs/oci/img";
    Path file = dir.resolve("manifest.json");
    Run cat = weft("--json", "cat", ref, "-o", file.toString());
    assertEquals(0, cat.code(), cat.err());
    assertFalse(cat.out().isBlank(), "--json prints a document");
    JsonNode j = new ObjectMapper().readTree(cat.out()); // the whole of stdout is one JSON document
    assertEquals(ref, j.get("stream").asText());
    assertEquals(Files.size(file), j.get("bytes").asLong());
    assertTrue(Files.size(file) > 0);
    assertEquals(file.toString(), j.get("file").asText());
    assertEquals("", cat.err());
  }

  /**
   * QA round 11: {@code cat -o /dev/null} renamed its temporary file over the device. A device or fifo is
   * written in place; here a link to {@code /dev/null} (the link must survive, and the device with it) and a
   * named pipe read by another thread (it must get every byte).
   */
  @Test
  void catToADeviceOrFifoWritesInPlace() throws Exception {
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    assertEquals(0, weft("oci", "import", layout + ":v1", "--name", "img").code());
    Path copy = dir.resolve("manifest.json");
    assertEquals(0, weft("cat", "refs/oci/img", "-o", copy.toString()).code());
    Path toNull = Files.createSymbolicLink(dir.resolve("null"), Path.of("/dev/null"));
    Run cat = weft("--json", "cat", "refs/oci/img", "-o", toNull.toString());
    assertEquals(0, cat.code(), cat.err());
    assertEquals(Files.size(copy), new ObjectMapper().readTree(cat.out()).get("bytes").asLong());
    assertTrue(Files.isSymbolicLink(toNull), "the link is still a link");
    assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null is still a device");
    Path fifo = dir.resolve("pipe");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() == 0, "no mkfifo");
    // A thread of its own, already waiting in open() for a writer: weft's open() of the fifo then returns
    // whatever else runs (on the common pool the reader might not start, and weft would wait forever).
    java.util.concurrent.CompletableFuture<byte[]> read = new java.util.concurrent.CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try {
        read.complete(Files.readAllBytes(fifo));
      } catch (Throwable t) {
        read.completeExceptionally(t);
      }
    });
    assertEquals(0, weft("cat", "refs/oci/img", "-o", fifo.toString()).code());
    org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(copy),
        read.get(30, java.util.concurrent.TimeUnit.SECONDS));
    assertFalse(Files.isRegularFile(fifo), "the fifo is still a fifo");
  }

  /** Round 12: {@code cat -o} naming a socket was an I/O error (exit 1, ENXIO); it is a usage error. */
  @Test
  void catToASocketIsAUsageError() throws Exception {
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    assertEquals(0, weft("oci", "import", layout + ":v1", "--name", "img").code());
    Path socket = dir.resolve("sock");
    try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(socket));
      Run cat = weft("cat", "refs/oci/img", "-o", socket.toString());
      assertEquals(2, cat.code(), cat.err());
      assertTrue(cat.err().contains(socket + ": is a socket"), cat.err());
      assertTrue(Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the socket is left alone");
      assertFalse(Files.isRegularFile(socket), "and is still a socket");
    }
  }
}
