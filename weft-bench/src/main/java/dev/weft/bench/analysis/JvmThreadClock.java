package dev.weft.bench.analysis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/**
 * CPU time run so far by this JVM's JIT compiler threads and by its GC threads, read from
 * {@code /proc/self/task/TID/schedstat} (nanoseconds). {@code ThreadMXBean} does not list these threads, and
 * the process CPU clock the rows use includes them, so a pass that costs more because the JIT was compiling
 * (or the GC copying) at the time can be told from a pass whose own code ran slower. Zeros where /proc is
 * unavailable.
 */
final class JvmThreadClock {
  private JvmThreadClock() {}

  /** Index of the JIT compiler threads' total in {@link #read}. */
  static final int JIT = 0;
  /** Index of the GC threads' total in {@link #read}. */
  static final int GC = 1;

  /** {@code [jit, gc]} CPU nanoseconds so far (threads that ended are no longer counted). */
  static long[] read() {
    long[] sums = new long[2];
    File[] tasks = new File("/proc/self/task").listFiles();
    if (tasks == null) {
      return sums;
    }
    for (File t : tasks) {
      try {
        String comm = Files.readString(t.toPath().resolve("comm")).strip();
        // HotSpot names them "C1 CompilerThre…"/"C2 CompilerThre…" and "GC Thread#n"/"G1 …".
        int group = comm.contains("Compiler") ? JIT : comm.startsWith("G1") || comm.startsWith("GC") ? GC : -1;
        if (group >= 0) {
          String sched = Files.readString(t.toPath().resolve("schedstat"));
          sums[group] += Long.parseLong(sched.substring(0, sched.indexOf(' ')));
        }
      } catch (IOException | RuntimeException e) {
        // a thread that ended between the listing and the read
      }
    }
    return sums;
  }
}
