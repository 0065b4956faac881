package dev.weft.store.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds small OCI image layouts in tests, from generated files; no network, no external tools. */
public final class TestImages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestImages() {}

  public static String sha256(byte[] b) throws IOException {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }

  static byte[] data(int n, int seed) {
    byte[] b = new byte[n];
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (r.nextInt(16) + 'a'); // compressible like real files
    }
    return b;
  }

  /** Layer tars: a base, an update with a whiteout and an opaque dir, and a layer of many files. */
  public static List<byte[]> layers() throws IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(a)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      dir(t, "etc/", 0755);
      file(t, "etc/hostname", "weft\n".getBytes(), 0644);
      file(t, "etc/big.conf", data(100_000, 1), 0600);
      dir(t, "usr/", 0755);
      dir(t, "usr/lib/", 0755);
      dir(t, "usr/lib/old/", 0755);
      file(t, "usr/lib/old/stale", data(500, 2), 0644);
      file(t, "usr/lib/gone", data(70, 3), 0755);
      symlink(t, "usr/lib/link", "gone");
      link(t, "usr/lib/hard", "usr/lib/gone");
      file(t, "usr/lib/" + "deep/".repeat(0) + "x".repeat(150), data(3000, 4), 0644); // PAX long name
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
      file(t, "usr/lib/.wh.gone", new byte[0], 0644);
      dir(t, "usr/lib/old/", 0700);
      file(t, "usr/lib/old/.wh..wh..opq", new byte[0], 0644);
      file(t, "usr/lib/old/fresh", data(65, 5), 0644);
      file(t, "etc/hostname", "weft2\n".getBytes(), 0644);
    }
    ByteArrayOutputStream c = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(c)) {
      dir(t, "data/", 0755);
      for (int i = 0; i < 200; i++) {
        file(t, "data/f" + i, data(i * 37, 100 + i), 0644);
      }
    }
    return List.of(a.toByteArray(), b.toByteArray(), c.toByteArray());
  }

  static void dir(TarArchiveOutputStream t, String name, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040000 | mode);
    e.setModTime(1_700_000_000_000L);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  static void file(TarArchiveOutputStream t, String name, byte[] content, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    e.setModTime(1_700_000_000_000L);
    t.putArchiveEntry(e);
    t.write(content);
    t.closeArchiveEntry();
  }

  static void symlink(TarArchiveOutputStream t, String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    e.setModTime(1_700_000_000_000L);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  static void link(TarArchiveOutputStream t, String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    e.setModTime(1_700_000_000_000L);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  static byte[] compress(byte[] tar, String how) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream o = switch (how) {
      case "gzip" -> new GZIPOutputStream(out);
      case "zstd" -> new ZstdOutputStream(out, 3);
      default -> out;
    }) {
      o.write(tar);
    }
    return out.toByteArray();
  }

  static String mediaType(String how) {
    return switch (how) {
      case "gzip" -> "application/vnd.oci.image.layer.v1.tar+gzip";
      case "zstd" -> "application/vnd.oci.image.layer.v1.tar+zstd";
      default -> "application/vnd.oci.image.layer.v1.tar";
    };
  }

  /** Writes an OCI layout at {@code dir} tagged {@code tag}; layer i compressed with {@code compressions[i % n]}. */
  public static Path writeLayout(Path dir, String tag, List<byte[]> tars, String... compressions) throws IOException {
    Path blobs = dir.resolve("blobs/sha256");
    Files.createDirectories(blobs);
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ArrayNode layers = JSON.createArrayNode();
    for (int i = 0; i < tars.size(); i++) {
      String how = compressions[i % compressions.length];
      byte[] blob = compress(tars.get(i), how);
      diffIds.add(sha256(tars.get(i)));
      layers.addObject().put("mediaType", mediaType(how)).put("digest", put(blobs, blob)).put("size", blob.length);
    }
    byte[] configBytes = JSON.writeValueAsBytes(config);
    manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", put(blobs, configBytes)).put("size", configBytes.length);
    manifest.set("layers", layers);
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode d = index.putArray("manifests").addObject();
    d.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    d.put("digest", put(blobs, manifestBytes));
    d.put("size", manifestBytes.length);
    d.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    return dir;
  }

  static String put(Path blobs, byte[] data) throws IOException {
    String d = sha256(data);
    Files.write(blobs.resolve(d.substring(7)), data);
    return d;
  }
}
