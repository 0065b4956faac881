package dev.weft.bench.ec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The C reference: {@code isal_ec_bench.c} (a resource of this jar) compiled with gcc at run time and run
 * once per shape. Absent gcc or ISA-L headers, {@link #compile} says so and returns null.
 */
final class IsalCBench {
  private final Path binary;

  private IsalCBench(Path binary) {
    this.binary = binary;
  }

  static IsalCBench compile(PrintWriter log) {
    try (InputStream src = IsalCBench.class.getResourceAsStream("/c/isal_ec_bench.c")) {
      if (src == null) {
        log.println("ec bench: isal_ec_bench.c not in this build; skipping isal-c rows");
        return null;
      }
      Path dir = Files.createTempDirectory("weft-isal-bench");
      dir.toFile().deleteOnExit();
      Path c = dir.resolve("isal_ec_bench.c");
      Files.copy(src, c);
      Path bin = dir.resolve("isal_ec_bench");
      Process p = new ProcessBuilder("gcc", "-O2", "-pthread", "-o", bin.toString(), c.toString(), "-lisal")
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        log.println("ec bench: could not compile the ISA-L C benchmark, skipping isal-c rows: " + output.strip());
        return null;
      }
      c.toFile().deleteOnExit();
      bin.toFile().deleteOnExit();
      log.println("ec bench: compiled the ISA-L C reference with gcc -O2 (rows impl=isal-c)");
      return new IsalCBench(bin);
    } catch (IOException e) {
      log.println("ec bench: no gcc (" + e.getMessage() + "), skipping isal-c rows");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * GB/s of data (wall and per CPU-second) for each of {@code threads}, or null if the program failed.
   * One process times all thread counts on the same buffers, batches interleaved as in weft's rows; with
   * more than one thread each operation is cut into one contiguous range per thread.
   */
  EcBenchArea.Rate[] run(int k, int m, int shardBytes, int lost, String cache, double seconds, int batches,
      int[] threads) throws IOException, InterruptedException {
    StringBuilder list = new StringBuilder();
    for (int t : threads) {
      list.append(list.isEmpty() ? "" : ",").append(t);
    }
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), Integer.toString(k), Integer.toString(m),
        Integer.toString(shardBytes), Integer.toString(lost), cache, Double.toString(seconds),
        Integer.toString(batches), list.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      return null;
    }
    // One line per thread count: threads, median wall, median cpu, wall quartiles q1 and q3.
    String[] lines = output.split("\\R");
    if (lines.length != threads.length) {
      return null;
    }
    EcBenchArea.Rate[] rates = new EcBenchArea.Rate[threads.length];
    for (int i = 0; i < threads.length; i++) {
      String[] f = lines[i].trim().split("\\s+");
      rates[i] = new EcBenchArea.Rate(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
          Double.parseDouble(f[4]));
    }
    return rates;
  }
}
