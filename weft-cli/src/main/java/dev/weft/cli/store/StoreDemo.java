package dev.weft.cli.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.cli.CliContext;
import dev.weft.cli.demo.DemoStep;
import dev.weft.store.maint.Fsck;
import dev.weft.store.oci.ImageExporter;
import dev.weft.store.oci.ImageImporter;
import dev.weft.store.oci.ImportReport;
import dev.weft.store.oci.Unpacker;
import dev.weft.store.repo.Repository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The store's part of {@code weft demo}: builds a two-layer OCI image from generated files, imports it
 * (then again, to show the skip), exports it bit-exact, unpacks it and runs fsck.
 */
public final class StoreDemo implements DemoStep {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String title() {
    return "split streams: OCI import into a composefs repository";
  }

  @Override
  public void run(CliContext ctx, Path demoDir) throws Exception {
    Path layout = demoDir.resolve("store-image");
    writeImage(layout);
    Repository repo = ctx.repository(true);
    ImageImporter importer = new ImageImporter(repo, ctx.pool(), ctx.progress());
    ImportReport first = importer.importImage(layout.toString(), "weft-demo:latest");
    ctx.out().printf("imported %s: %d layers, %,d tar bytes, %,d objects written, %.2f s%n", first.name(),
        first.layers().size(), first.tarBytes(), first.objectsWritten(), first.seconds());
    ImportReport again = importer.importImage(layout.toString(), "weft-demo:latest");
    ctx.out().printf("imported again: %d layers skipped, %d objects written, %.3f s%n", again.layers().size(),
        again.objectsWritten(), again.seconds());
    Path export = demoDir.resolve("store-export");
    deleteTree(export);
    String manifest = new ImageExporter(repo, ctx.pool()).export("weft-demo:latest", export, "zstd");
    ctx.out().printf("exported to %s (zstd layers, manifest %s); layer tars hash to the config's diff_ids%n",
        export, manifest);
    Path rootfs = demoDir.resolve("store-rootfs");
    deleteTree(rootfs);
    Unpacker.Report u = new Unpacker(repo).unpack("weft-demo:latest", rootfs);
    ctx.out().printf("unpacked %,d entries to %s (whiteouts applied)%n", u.entries(), rootfs);
    Fsck.Report f = new Fsck(repo, ctx.pool()).run(false);
    ctx.out().printf("fsck: %,d objects, %,d streams, %s%n", f.objects(), f.streams(), f.ok() ? "ok" : f.problems());
    ctx.out().printf("try: weft --repo %s oci inspect weft-demo:latest%n", ctx.repo());
  }

  private static void writeImage(Path dir) throws IOException {
    deleteTree(dir);
    Path blobs = dir.resolve("blobs/sha256");
    Files.createDirectories(blobs);
    Random r = new Random(42);
    ByteArrayOutputStream base = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(base)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entry(t, "app/", null);
      for (int i = 0; i < 300; i++) {
        byte[] data = new byte[r.nextInt(200_000)];
        for (int j = 0; j < data.length; j++) {
          data[j] = (byte) ('a' + r.nextInt(20));
        }
        entry(t, "app/file-" + i + ".dat", data);
      }
    }
    ByteArrayOutputStream update = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(update)) {
      entry(t, "app/.wh.file-0.dat", new byte[0]);
      entry(t, "app/VERSION", "2\n".getBytes());
    }
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64").put("os", "linux");
    ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ArrayNode layers = JSON.createArrayNode();
    for (byte[] tar : List.of(base.toByteArray(), update.toByteArray())) {
      diffIds.add(digest(tar));
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
        g.write(tar);
      }
      layers.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
          .put("digest", put(blobs, gz.toByteArray())).put("size", gz.size());
    }
    byte[] c = JSON.writeValueAsBytes(config);
    manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", put(blobs, c)).put("size", c.length);
    manifest.set("layers", layers);
    byte[] m = JSON.writeValueAsBytes(manifest);
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
    index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
        .put("digest", put(blobs, m)).put("size", m.length)
        .putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  private static void entry(TarArchiveOutputStream t, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setModTime(1_700_000_000_000L);
    if (data != null) {
      e.setSize(data.length);
    }
    t.putArchiveEntry(e);
    if (data != null) {
      t.write(data);
    }
    t.closeArchiveEntry();
  }

  private static String digest(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String put(Path blobs, byte[] data) throws IOException {
    String d = digest(data);
    Files.write(blobs.resolve(d.substring(7)), data);
    return d;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.setAttribute(p, "unix:mode", 0700);
      try (var s = Files.list(p)) {
        for (Path c : s.toList()) {
          deleteTree(c);
        }
      }
    }
    Files.delete(p);
  }
}
