package dev.weft.runtime.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts what a leak would leave behind: live platform threads and open file descriptors of this JVM. */
public final class Leaks {
  private Leaks() {}

  public static int threads() {
    return Thread.getAllStackTraces().size();
  }

  public static int openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc/self/fd", e);
    }
  }

  /** Names of the live platform threads, sorted, for failure messages. */
  public static java.util.List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList();
  }

  /** Polls until {@code threads() <= max} or 5 s pass (finished threads take a moment to disappear). */
  public static int threadsSettledAtMost(int max) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    int now = threads();
    while (now > max && System.nanoTime() < deadline) {
      Thread.sleep(20);
      now = threads();
    }
    return now;
  }

  /** Polls until {@code openFds() <= max} or 5 s pass. */
  public static int fdsSettledAtMost(int max) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    int now = openFds();
    while (now > max && System.nanoTime() < deadline) {
      Thread.sleep(20);
      now = openFds();
    }
    return now;
  }
}
