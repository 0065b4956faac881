package dev.weft.cli.store;

import dev.weft.cli.CliContext;
import dev.weft.runtime.BadDataException;
import dev.weft.store.gzip.Gunzip;
import dev.weft.store.oci.ImageExporter;
import dev.weft.store.oci.ImageImporter;
import dev.weft.store.oci.ImportReport;
import dev.weft.store.oci.OciNames;
import dev.weft.store.oci.StoredImage;
import dev.weft.store.oci.Unpacker;
import dev.weft.store.repo.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft oci}: OCI images in the repository. */
@Command(name = "oci", mixinStandardHelpOptions = true,
    description = "OCI container images in the composefs-compatible repository (--repo).",
    subcommands = {OciCommand.Import.class, OciCommand.Ls.class, OciCommand.Inspect.class, OciCommand.Export.class,
        OciCommand.Unpack.class, OciCommand.Untag.class})
public final class OciCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Import an OCI image layout directory or a 'docker save' archive.",
          "Layers are split into composefs split streams; layers already present are skipped.",
          "",
          "Sources: an OCI image layout directory, or a 'docker save' tar (the legacy",
          "manifest.json form or the OCI form newer docker writes); linux/amd64 images.",
          ":TAG picks one image: a layout's ref.name or containerd name, an archive's",
          "RepoTags entry (repo:tag, or a short tag that matches one image only).",
          "Several images and no TAG, or an ambiguous TAG: exit 2; an unknown TAG: exit 3.",
          "Layer media types: OCI and docker tar, tar+gzip and tar+zstd (nondistributable",
          "ones too). Refused with exit 3, nothing published: another layer media type;",
          "a blob whose size or sha256 differs from its descriptor; a layer whose tar",
          "differs from its diff_id; a missing blob; malformed JSON; corrupt or truncated",
          "tar, gzip or zstd; bytes after the end of a gzip or zstd stream; sparse tar",
          "entries; archive links that leave the archive.",
          "gzip layers are inflated by Intel ISA-L's igzip when libisal.so.2 is installed",
          "(less CPU per MB), else by java.util.zip; the results are identical.",
          "WEFT_ISAL=none turns ISA-L off; --debug names the inflater used.",
          "Objects from 1 MiB on are written with O_DIRECT, past the page cache (buffered",
          "where the file system refuses it; WEFT_DIRECT_IO=off buffers every write).",
          "--threads N: at most N busy threads, the threads reading layers included",
          "(1 = all on one thread). Limits (--limit NAME=N):",
          "  store.import.layers   layers split at once (default: the thread count)",
          "  store.import.threads  busy threads, readers included (default: thread count)",
          "  store.import.bytes    file bytes in flight (default 256 MiB)",
          "A layer listed twice is split once."})
  static final class Import implements Callable<Integer> {
    @Parameters(paramLabel = "SOURCE[:TAG]", description = "OCI layout directory or docker-save .tar, optionally "
        + ":TAG, e.g. saved.tar:repo:tag (the path is the longest prefix before a ':' that exists).")
    String source;

    @Option(names = "--name", paramLabel = "NAME", description = "Name to store the image under (default: the TAG given, else the image's own name: "
        + "docker's name without docker.io/library/, else the layout's ref.name or the archive's RepoTags entry).")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Repository repo = ctx.repository(true);
      if (ctx.global().debug()) {
        ctx.err().println("weft: gzip inflater " + Gunzip.describe());
        ctx.err().println("weft: direct I/O " + dev.weft.store.fs.DirectIo.describe());
        ctx.err().flush();
      }
      ImportReport r = new ImageImporter(repo, ctx.pool(), ctx.progress()).importImage(source, name);
      long imported = r.layers().stream().filter(ImportReport.LayerResult::imported).count();
      if (ctx.json()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("manifest", r.manifestDigest());
        m.put("layers", r.layers().size());
        m.put("layers_imported", imported);
        m.put("tar_bytes", r.tarBytes());
        m.put("objects_written", r.objectsWritten());
        m.put("bytes_written", r.bytesWritten());
        m.put("seconds", r.seconds());
        ctx.printJson(m);
      } else {
        ctx.out().printf("imported %s (%s): %d layers, %d new, %d skipped; %,d tar bytes split, %,d objects (%,d bytes) written in %.2f s%n",
            r.name(), r.manifestDigest(), r.layers().size(), imported, r.layers().size() - imported, r.tarBytes(),
            r.objectsWritten(), r.bytesWritten(), r.seconds());
      }
      return 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the images in the repository.")
  static final class Ls implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Repository repo = ctx.repository(false);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String n : StoredImage.names(repo)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", n);
        try {
          StoredImage img = StoredImage.load(repo, n);
          row.put("manifest", img.manifestDigest());
          row.put("layers", img.layers().size());
        } catch (BadDataException e) {
          row.put("error", e.getMessage());
        }
        rows.add(row);
      }
      if (ctx.json()) {
        ctx.printJson(rows);
      } else {
        for (Map<String, Object> r : rows) {
          ctx.out().printf("%-40s %s%n", r.get("name"), r.containsKey("error") ? "BROKEN: " + r.get("error")
              : r.get("manifest") + "  " + r.get("layers") + " layers");
        }
      }
      return 0;
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show an image's manifest, config and layers.")
  static final class Inspect implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Image name (see 'weft oci ls').")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Repository repo = ctx.repository(false);
      StoredImage img = StoredImage.load(repo, name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", img.name());
      m.put("ref", "streams/refs/" + OciNames.ref(img.name()));
      m.put("manifest", img.manifestDigest());
      m.put("config", img.configDigest());
      var cfg = img.configJson();
      m.put("architecture", text(cfg.path("architecture")));
      m.put("os", text(cfg.path("os")));
      m.put("created", text(cfg.path("created")));
      List<Map<String, Object>> layers = new ArrayList<>();
      for (StoredImage.StoredLayer l : img.layers()) {
        var ss = dev.weft.store.splitstream.SplitStream.load(repo, l.streamId(), l.streamName());
        Map<String, Object> lm = new LinkedHashMap<>();
        lm.put("diff_id", l.diffId());
        lm.put("blob", l.blobDigest());
        lm.put("media_type", l.mediaType());
        lm.put("tar_bytes", ss.streamSize());
        lm.put("objects", ss.objectRefs().size());
        lm.put("split_stream_bytes", java.nio.file.Files.size(repo.objectPath(l.streamId())));
        lm.put("stream", l.streamName());
        lm.put("stream_id", l.streamId().toString());
        layers.add(lm);
      }
      m.put("layers", layers);
      if (ctx.json()) {
        ctx.printJson(m);
      } else {
        m.forEach((k, v) -> {
          if (!k.equals("layers") && v != null) {
            ctx.out().printf("%-13s %s%n", k, v);
          }
        });
        for (Map<String, Object> l : layers) {
          ctx.out().printf("layer %s  %,d tar bytes, %,d objects, split stream %,d bytes%n", l.get("diff_id"),
              l.get("tar_bytes"), l.get("objects"), l.get("split_stream_bytes"));
        }
      }
      return 0;
    }
    /** A config string field, or null when absent or JSON null (asText would give the text "null"). */
    private static String text(com.fasterxml.jackson.databind.JsonNode n) {
      return n.isTextual() ? n.asText() : null;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write an image as an OCI layout; layer tars are bit-identical to the imported ones.")
  static final class Export implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Image name.")
    String name;

    @Parameters(index = "1", paramLabel = "DIR", description = "Output directory: created, or an existing OCI layout the image is added to; "
        + "any other non-empty directory is refused.")
    Path dir;

    @Option(names = "--compress", paramLabel = "none|gzip|zstd", description = "Layer compression (default: ${DEFAULT-VALUE}).")
    String compress = "gzip";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Repository repo = ctx.repository(false);
      String digest = new ImageExporter(repo, ctx.pool(), ctx.progress()).export(name, dir, compress);
      if (ctx.json()) {
        ctx.printJson(Map.of("name", name, "dir", dir.toString(), "manifest", digest, "compression", compress));
      } else {
        ctx.out().printf("exported %s to %s (manifest %s, layers %s)%n", name, dir, digest, compress);
      }
      return 0;
    }
  }

  @Command(name = "unpack", mixinStandardHelpOptions = true,
      description = {"Write an image's merged root filesystem to DIR.",
          "Layers in order, whiteouts and opaque directories applied; modes, times, symlinks and hard links kept.",
          "A symlink in an entry's parent path is followed inside DIR (an absolute one from DIR, '..' stopping at "
              + "DIR), as umoci does; nothing outside DIR is written. Hostile entries are refused.",
          "Fifos and user.* xattrs are made; as root also ownership, device nodes and xattrs in other namespaces "
              + "(otherwise those are listed as skipped)."})
  static final class Unpack implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Image name.")
    String name;

    @Parameters(index = "1", paramLabel = "DIR", description = "Target directory (must be empty or absent).")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Repository repo = ctx.repository(false);
      Unpacker.Report r = new Unpacker(repo, ctx.progress()).unpack(name, dir);
      if (ctx.json()) {
        ctx.printJson(Map.of("name", name, "dir", dir.toString(), "entries", r.entries(), "skipped", r.skipped()));
      } else {
        ctx.out().printf("unpacked %s to %s: %,d entries%s%n", name, dir, r.entries(),
            r.skipped().isEmpty() ? "" : "; skipped (not root): " + r.skipped().size() + " device nodes or xattrs");
      }
      return 0;
    }
  }

  @Command(name = "untag", mixinStandardHelpOptions = true,
      description = "Remove an image's name; its data stays until 'weft gc'.")
  static final class Untag implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Image name.")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Repository repo = ctx.repository(false);
      if (!repo.removeRef(OciNames.ref(name))) {
        throw new BadDataException("no image named '" + name + "' in " + repo.root());
      }
      if (ctx.json()) {
        ctx.printJson(Map.of("untagged", name));
      } else {
        ctx.out().println("untagged " + name + "; run 'weft gc' to free its data");
      }
      return 0;
    }
  }
}
