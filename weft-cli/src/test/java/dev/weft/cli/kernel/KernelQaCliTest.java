package dev.weft.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.Main;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLI-level regressions for QA's B6 (Ctrl-C early in kernel run) and B7 (verify and missing segments). */
class KernelQaCliTest {
  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  static Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  @Test
  void ctrlCAtTheStartOfKernelRunLeavesAUsableJournal() throws Exception {
    Path dir = tmp.resolve("jc2");
    // Ctrl-C interrupts the command's thread; here it is interrupted before the run even creates epoch 1.
    Thread.currentThread().interrupt();
    Run cancelled = weft("kernel", "run", "--journal", dir.toString(), "--events", "50000000");
    Thread.interrupted();
    assertEquals(130, cancelled.code(), cancelled.err());
    assertTrue(files(dir).stream().noneMatch(p -> p.toString().endsWith(".tmp")), files(dir).toString());
    Run v = weft("log", "verify", dir.toString());
    assertEquals(0, v.code(), v.err());
    Run again = weft("kernel", "run", "--journal", dir.toString(), "--events", "100");
    assertEquals(0, again.code(), again.err());
    assertEquals(0, weft("log", "verify", dir.toString()).code());
  }

  @Test
  void journalLeftByTheOldInterruptedCreationResumes() throws Exception {
    Path dir = tmp.resolve("old");
    Files.createDirectories(dir.resolve("epoch-000001"));
    Files.writeString(dir.resolve("epoch-000001/epoch.properties.tmp"), "");
    Files.writeString(dir.resolve("LOCK"), "");
    Run v = weft("log", "verify", dir.toString());
    assertEquals(2, v.code(), v.err());
    assertTrue(v.err().contains("did not complete"), v.err());
    Run run = weft("kernel", "run", "--journal", dir.toString(), "--events", "100");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("removed epoch-000001/"), run.err());
    assertFalse(Files.exists(dir.resolve("epoch-000001/epoch.properties.tmp")));
    assertEquals(0, weft("log", "verify", dir.toString()).code());
  }

  @Test
  void verifyReportsSegmentsMissingOrCutShortBehindASnapshot() throws Exception {
    Path j2 = tmp.resolve("j2");
    Run r = weft("kernel", "run", "--journal", j2.toString(), "--events", "20000", "--jobs-every", "500",
        "--snapshot-every", "5000");
    assertEquals(0, r.code(), r.err());

    Path noseg = tmp.resolve("jnoseg");
    copy(j2, noseg);
    try (Stream<Path> s = Files.list(noseg.resolve("epoch-000001"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".seg")).toList()) {
        Files.delete(p);
      }
    }
    Run v = weft("log", "verify", noseg.toString());
    assertEquals(3, v.code(), v.err());
    assertTrue(v.err().contains("is ahead of the journal, which ends at seq 0"), v.err());
    assertEquals(1, v.err().lines().count(), v.err());
    Run run = weft("kernel", "run", "--journal", noseg.toString(), "--events", "20020");
    assertEquals(3, run.code(), run.err());

    Path mid = tmp.resolve("jmid");
    copy(j2, mid);
    Path seg = mid.resolve("epoch-000001/00000000000000000001.seg");
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(Math.min(f.length() - 1, 600_000));
    }
    Run vm = weft("log", "verify", mid.toString());
    assertEquals(3, vm.code(), vm.err());
    assertTrue(vm.err().contains("epoch-000001/00000000000000000001.seg"), vm.err());
    assertTrue(vm.err().contains("is ahead of the journal"), vm.err());
    Run vmJson = weft("log", "verify", mid.toString(), "--from-snapshot");
    assertEquals(3, vmJson.code(), vmJson.err());
  }
}
