package dev.weft.cli.store;

import dev.weft.cli.CliContext;
import dev.weft.runtime.BadDataException;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import dev.weft.store.verity.ObjectId;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft cat STREAM}: rebuilds a stream's original bytes. */
@Command(name = "cat", mixinStandardHelpOptions = true,
    description = {"Rebuild a split stream's original bytes (e.g. a layer tar) to stdout or -o FILE.",
        "STREAM is a name under streams/ (oci-layer-sha256:...), refs/<ref>, or an object digest."})
public final class CatCommand implements Callable<Integer> {
  @Parameters(paramLabel = "STREAM", description = "Stream name, refs/<ref>, or 64-hex object digest.")
  String stream;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout.")
  Path output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    Repository repo = ctx.repository(false);
    String name = stream;
    if (name.startsWith("refs/")) {
      String ref = name.substring(5);
      name = repo.refTarget(ref).orElseThrow(() -> new BadDataException("no ref " + ref + " in " + repo.root()));
    }
    ObjectId id = ObjectId.parseOrNull(name);
    if (id == null) {
      String n = name;
      id = repo.streamId(n).orElseThrow(() -> new BadDataException("no stream " + n + " in " + repo.root()));
    }
    SplitStream ss = SplitStream.load(repo, id, name);
    if (output == null) {
      try (OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20) {
        @Override
        public void close() throws java.io.IOException {
          flush(); // never close the process's stdout
        }
      }) {
        ss.cat(repo, out);
      }
      return 0;
    }
    long bytes;
    if (isSocket(output)) {
      // open(2) of a socket fails with ENXIO, which read as an I/O error (exit 1): the path is the mistake.
      throw new dev.weft.runtime.UsageException(output + ": is a socket; give a file, a device or a fifo");
    }
    if (dev.weft.runtime.io.OutputPaths.isSpecial(output)) {
      // A device or fifo (/dev/null, a named pipe): written in place, as a shell redirection would. A rename
      // over it would replace it with a regular file (QA round 11: as root, /dev/null for the whole machine).
      try (CountingStream out = new CountingStream(Files.newOutputStream(output, StandardOpenOption.WRITE))) {
        ss.cat(repo, out);
        bytes = out.count;
      }
      printResult(ctx, bytes);
      return 0;
    }
    // Rebuild next to FILE and rename: a corrupt object found half way must not leave (or clobber FILE
    // with) bytes that look like the stream.
    Path abs = output.toAbsolutePath();
    Path tmp;
    try {
      // Created like any new file (mode from the umask, unlike createTempFile's 0600), under a unique name.
      tmp = Files.createFile(abs.resolveSibling(
          "." + abs.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".part"));
    } catch (java.nio.file.FileSystemException e) {
      throw dev.weft.runtime.FileErrors.cannotCreate(output, e); // name FILE, not our temporary
    }
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        ss.cat(repo, out);
      }
      bytes = Files.size(tmp);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    printResult(ctx, bytes);
    return 0;
  }

  /** True if {@code p} is (or links to) a Unix domain socket; false where the file system has no unix:mode. */
  private static boolean isSocket(Path p) {
    try {
      return ((Integer) Files.getAttribute(p, "unix:mode") & 0170000) == 0140000; // S_IFMT, S_IFSOCK
    } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false; // missing (a new file), or no such attribute here: the open below reports what is wrong
    }
  }

  /** Only with -o: without it stdout carries the stream's bytes, and a JSON line would corrupt them. */
  private void printResult(CliContext ctx, long bytes) {
    if (ctx.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stream", stream);
      m.put("bytes", bytes);
      m.put("file", output.toString());
      ctx.printJson(m);
    }
  }

  /** Counts what passes through (a device or pipe has no size to ask afterwards). */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(new java.io.BufferedOutputStream(out, 1 << 20));
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      out.write(b);
      count++;
    }
  }
}
