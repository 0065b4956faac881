package dev.weft.cli.qa;

import static dev.weft.cli.qa.Qa.oneLineError;
import static dev.weft.cli.qa.Qa.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.cli.qa.Qa.Run;
import dev.weft.runtime.limit.DeclaredLimit;
import dev.weft.runtime.limit.Limits;
import dev.weft.store.oci.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The round-2 fixes of the QA report's user-experience items (U1, U5, U7; /work/reviews/qa.md). */
class QaUxTest {
  @TempDir
  Path dir;

  private Path input() throws IOException {
    Path in = dir.resolve("in.bin");
    byte[] b = new byte[100_000];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 7 + (i >> 9));
    }
    Files.write(in, b);
    return in;
  }

  /** /proc answers ENOENT to every create: the QA report's way to get an unwritable path even as root. */
  private static void assumeProc() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc")) && "proc".equals(Files.getFileStore(Path.of("/proc")).type()),
        "needs a proc file system at /proc");
  }

  /** U1: one line naming the path the user gave, saying it cannot be created, never "no such file". */
  private static void cannotCreate(Run r, String path) {
    oneLineError(r, 2, "cannot create " + path);
    assertFalse(r.err().contains("no such file"), r.err());
    assertFalse(r.err().contains(".tmp") || r.err().contains(".part"), "names an internal temporary file: " + r.err());
  }

  @Test
  void outputsInADirectoryThatTakesNoFilesNameTheUsersPath() throws IOException {
    assumeProc();
    Path in = input();
    cannotCreate(weft("ec", "encode", "-k", "2", "-m", "1", in.toString(), "/proc/weft-out"), "/proc/weft-out");
    cannotCreate(weft("kernel", "run", "--journal", "/proc/weft-jj", "--events", "10"), "/proc/weft-jj");
    cannotCreate(weft("analyze", "generate", "--events", "100", "--out", "/proc/weft-x.parquet"), "/proc/weft-x.parquet");

    Path g = dir.resolve("g");
    assertEquals(0, weft("ec", "encode", "-k", "2", "-m", "1", in.toString(), g.toString()).code());
    cannotCreate(weft("ec", "decode", g.toString(), "/proc/weft-x.bin"), "/proc/weft-x.bin");
  }

  @Test
  void catToADirectoryThatTakesNoFilesNamesTheUsersFile() throws IOException {
    assumeProc();
    Path layout = TestImages.writeLayout(dir.resolve("img"), "v1", List.of(tar()), "gzip");
    String repo = dir.resolve("r").toString();
    assertEquals(0, weft("--repo", repo, "oci", "import", layout + ":v1", "--name", "x").code());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"diff_id\":\"(sha256:[0-9a-f]{64})\"")
        .matcher(weft("--repo", repo, "--json", "oci", "inspect", "x").out());
    assertTrue(m.find());
    cannotCreate(weft("--repo", repo, "cat", "oci-layer-" + m.group(1), "-o", "/proc/weft-lay.tar"), "/proc/weft-lay.tar");
  }

  @Test
  void aMissingInputIsStillNoSuchFile() {
    oneLineError(weft("ec", "encode", "-k", "2", "-m", "1", dir.resolve("nope.bin").toString(), dir.resolve("o").toString()),
        2, "nope.bin");
    Run r = weft("analyze", "adl", "--input", dir.resolve("nope.parquet").toString(), "--out", dir.resolve("o").toString());
    oneLineError(r, 2, "nope.parquet");
    assertFalse(r.err().contains("cannot create"), r.err());
  }

  @Test
  void parquetErrorsNameNoJavaObjectsOrClasses() throws IOException {
    byte[] p = Files.readAllBytes(Qa.adlSample("Run2012B_SingleMu-1000.parquet"));
    Path noMagic = dir.resolve("nomagic.parquet");
    byte[] m = p.clone();
    m[m.length - 1] = 'x';
    m[m.length - 2] = 'x';
    Files.write(noMagic, m);
    Path page = dir.resolve("page.parquet");
    byte[] q = p.clone();
    for (int i = 4; i < 200; i++) {
      q[i] ^= 0x55; // the first page header: Thrift reports a missing required field
    }
    Files.write(page, q);
    for (Path bad : List.of(noMagic, page)) {
      Run r = weft("analyze", "adl", "--input", bad.toString(), "--out", dir.resolve("o").toString());
      oneLineError(r, 3, bad.getFileName().toString());
      assertFalse(r.err().matches("(?s).*\\w@[0-9a-f]{4,}.*"), "Java object identity in: " + r.err());
      assertFalse(r.err().contains("org.apache"), "class name in: " + r.err());
    }
  }

  @Test
  void anUnknownLimitNameIsAUsageErrorListingTheKnownOnes() throws IOException {
    Path in = input();
    Run r = weft("--limit", "nosuch.limit=3", "ec", "encode", "-k", "2", "-m", "1", in.toString(), dir.resolve("g").toString());
    oneLineError(r, 2, "--limit nosuch.limit: unknown limit; known limits: ");
    for (DeclaredLimit l : Limits.declared()) {
      assertTrue(r.err().contains(l.name()), r.err());
    }
    assertFalse(Files.exists(dir.resolve("g")), "refused before the command ran");
    oneLineError(weft("--limit", "foo", "oci", "ls"), 2, "--limit foo: expected NAME=VALUE");
    assertFalse(weft("--limit", "foo", "oci", "ls").err().contains("option option"));
    oneLineError(weft("--limit", "ec.jobs=lots", "oci", "ls"), 2, "whole number");
  }

  private static byte[] tar() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bos)) {
      TarArchiveEntry e = new TarArchiveEntry("data.txt");
      byte[] c = "some layer content\n".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      e.setSize(c.length);
      t.putArchiveEntry(e);
      t.write(c);
      t.closeArchiveEntry();
    }
    return bos.toByteArray();
  }

  /**
   * Every declared limit is one a command really asks for: running a command that uses it with an override
   * gives no "not used by this command" warning. Catches a declaration that drifted from its call site.
   */
  @Test
  void everyDeclaredLimitIsUsedBySomeCommand() throws IOException {
    Path in = input();
    Path layout = TestImages.writeLayout(dir.resolve("img"), "v1", List.of(tar()), "gzip");
    String sample = Qa.adlSample("Run2012B_SingleMu-1000.parquet").toString();
    Map<String, List<String>> users = Map.of(
        "ec.jobs", List.of("ec", "encode", "-k", "2", "-m", "1", in.toString(), dir.resolve("g").toString()),
        "kernel.effects", List.of("kernel", "run", "--journal", dir.resolve("j").toString(), "--events", "300",
            "--jobs-every", "50"),
        "analysis.chunks-in-flight", List.of("analyze", "adl", "--input", sample, "--query", "1",
            "--out", dir.resolve("a").toString()),
        "store.import.layers", List.of("--repo", dir.resolve("r1").toString(), "oci", "import", layout + ":v1"),
        "store.import.bytes", List.of("--repo", dir.resolve("r2").toString(), "oci", "import", layout + ":v1"),
        "store.import.threads", List.of("--repo", dir.resolve("r3").toString(), "oci", "import", layout + ":v1"));
    Map<String, DeclaredLimit> declared = Limits.declared().stream()
        .collect(Collectors.toMap(DeclaredLimit::name, Function.identity()));
    assertEquals(users.keySet(), declared.keySet(), "a new limit needs a command here that uses it");
    users.forEach((name, command) -> {
      String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--limit", name + "=2"), command.stream())
          .toArray(String[]::new);
      Run r = weft(args);
      assertEquals(0, r.code(), () -> String.join(" ", args) + "\n" + r.err());
      assertFalse(r.err().contains("not used by this command"), () -> name + ": " + r.err());
    });
  }
}
