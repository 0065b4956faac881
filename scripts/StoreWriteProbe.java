// Object-write probe for the store (round 3, docs/bench/store.md): creates N files of SIZE bytes in
// ROOT/objects/XX/ from T threads, one of several ways, and prints the CPU time per file split into
// user and kernel (ThreadMXBean), then the syncfs time. Run: java --enable-native-access=ALL-UNNAMED
// scripts/StoreWriteProbe.java MODE N SIZE T ROOT   (ROOT must be new: ext4 slows down when it reuses
// recently deleted inodes). Modes:
//   nio            what Repository did before round 3: Files.exists, FileChannel CREATE_NEW of a
//                  temporary name in objects/XX, write, Files.move (absolute paths)
//   at             the same through a held directory fd: faccessat, openat, write, renameat
//   atnocheck      "at" without the existence check
//   tmpfile        faccessat, open(objects/XX, O_TMPFILE), write, linkat via /proc/self/fd (round 3)
//   tmpfilesfr     "tmpfile" plus sync_file_range(SYNC_FILE_RANGE_WRITE) before the link
//   tmpfileE       "tmpfile" linked with AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH)
//   tmpfilenocheck "tmpfileE" without the existence check
//   direct         openat of the final name, write (no crash safety; a floor for comparison)
import java.lang.foreign.*;
import java.lang.invoke.*;
import java.lang.management.*;
import java.nio.*;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class StoreWriteProbe {
  static final Linker L = Linker.nativeLinker();
  static final SymbolLookup LK = L.defaultLookup();
  static MethodHandle h(String n, FunctionDescriptor fd, Linker.Option... o) { return L.downcallHandle(LK.find(n).orElseThrow(), fd, o); }
  static final ValueLayout.OfInt I = ValueLayout.JAVA_INT; static final AddressLayout A = ValueLayout.ADDRESS; static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
  static final MethodHandle OPEN = h("open", FunctionDescriptor.of(I, A, I, I), Linker.Option.firstVariadicArg(2));
  static final MethodHandle OPENAT = h("openat", FunctionDescriptor.of(I, I, A, I, I), Linker.Option.firstVariadicArg(3));
  static final MethodHandle WRITE = h("write", FunctionDescriptor.of(J, I, A, J), Linker.Option.critical(true));
  static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(I, I));
  static final MethodHandle RENAMEAT = h("renameat", FunctionDescriptor.of(I, I, A, I, A));
  static final MethodHandle LINKAT = h("linkat", FunctionDescriptor.of(I, I, A, I, A, I));
  static final MethodHandle SFR = h("sync_file_range", FunctionDescriptor.of(I, I, J, J, I));
  static final MethodHandle SYNCFS = h("syncfs", FunctionDescriptor.of(I, I));
  static final MethodHandle FACCESSAT = h("faccessat", FunctionDescriptor.of(I, I, A, I, I));
  static final int O_WRONLY=1, O_CREAT=0100, O_EXCL=0200, O_CLOEXEC=02000000, O_DIRECTORY=0200000, O_TMPFILE=020000000|O_DIRECTORY;
  static final AtomicLong ids = new AtomicLong();

  public static void main(String[] a) throws Throwable {
    String mode = a[0]; int n = Integer.parseInt(a[1]); int size = Integer.parseInt(a[2]); int threads = Integer.parseInt(a[3]); Path root = Path.of(a[4]);
    Path objects = root.resolve("objects"); Files.createDirectories(objects);
    int[] dfd = new int[256];
    try (Arena ar = Arena.ofConfined()) {
      for (int i = 0; i < 256; i++) { Path d = objects.resolve(String.format("%02x", i)); Files.createDirectories(d);
        dfd[i] = (int) OPEN.invokeExact(ar.allocateFrom(d.toString()), 0 | O_DIRECTORY | O_CLOEXEC, 0); }
    }
    byte[] data = new byte[size]; new Random(1).nextBytes(data);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    AtomicLong cpu = new AtomicLong(), usr = new AtomicLong();
    long t0 = System.nanoTime();
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) { final int tt = t; ts[t] = new Thread(() -> {
      long c0 = mx.getCurrentThreadCpuTime(), u0 = mx.getCurrentThreadUserTime();
      try (Arena ar = Arena.ofConfined()) {
        for (int i = tt; i < n; i += threads) {
          int p = (i * 131) & 255; String name = String.format("%062x", (long) i * 7919 + 1);
          byte[] d = data; d[0] = (byte) i; d[1] = (byte)(i>>8); d[2]=(byte)(i>>16);
          one(mode, objects.resolve(String.format("%02x", p)), dfd[p], name, d, ar);
        }
      } catch (Throwable e) { throw new RuntimeException(e); }
      cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0); usr.addAndGet(mx.getCurrentThreadUserTime() - u0);
    }); ts[t].start(); }
    for (Thread t : ts) t.join();
    long ws = System.nanoTime();
    int sr = (int) SYNCFS.invokeExact(dfd[0]);
    long syncWall = System.nanoTime() - ws;
    long wall = System.nanoTime() - t0;
    System.out.printf("syncfs %.2fs ", syncWall / 1e9);
    System.out.printf("%s n=%d size=%d thr=%d wall=%.2fs cpu/obj=%.1fus user/obj=%.1fus sys/obj=%.1fus MB/s=%.0f%n", mode, n, size, threads, wall/1e9,
        cpu.get()/1e3/n, usr.get()/1e3/n, (cpu.get()-usr.get())/1e3/n, (double) n*size/wall*1e3);
  }

  static void one(String mode, Path dir, int dfd, String name, byte[] d, Arena ar) throws Throwable {
    switch (mode) {
      case "nio" -> {
        Path target = dir.resolve(name);
        if (Files.exists(target)) return;
        Path tmp = dir.resolve(".tmp-" + ids.incrementAndGet());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.wrap(d); while (b.hasRemaining()) ch.write(b); }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      case "at", "atnocheck" -> {
        MemorySegment nm = ar.allocateFrom(name);
        if (mode.equals("at") && (int) FACCESSAT.invokeExact(dfd, nm, 0, 0x100) == 0) return;
        MemorySegment tn = ar.allocateFrom(".tmp-" + ids.incrementAndGet());
        int fd = (int) OPENAT.invokeExact(dfd, tn, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644);
        if (fd < 0) throw new RuntimeException("openat");
        long w = (long) WRITE.invokeExact(fd, MemorySegment.ofArray(d), (long) d.length);
        if (w != d.length) throw new RuntimeException("short");
        int c = (int) CLOSE.invokeExact(fd);
        if ((int) RENAMEAT.invokeExact(dfd, tn, dfd, nm) != 0) throw new RuntimeException("rename");
      }
      case "tmpfile", "tmpfilesfr" -> {
        MemorySegment nm = ar.allocateFrom(name);
        if ((int) FACCESSAT.invokeExact(dfd, nm, 0, 0x100) == 0) return;
        int fd = (int) OPENAT.invokeExact(dfd, ar.allocateFrom("."), O_TMPFILE|O_WRONLY|O_CLOEXEC, 0644);
        if (fd < 0) throw new RuntimeException("tmpfile");
        long w = (long) WRITE.invokeExact(fd, MemorySegment.ofArray(d), (long) d.length);
        if (mode.equals("tmpfilesfr")) { int q = (int) SFR.invokeExact(fd, 0L, 0L, 2); }
        int r = (int) LINKAT.invokeExact(-100, ar.allocateFrom("/proc/self/fd/" + fd), dfd, nm, 0x400);
        if (r != 0) throw new RuntimeException("linkat");
        int c = (int) CLOSE.invokeExact(fd);
      }
      case "tmpfileE", "tmpfilenocheck" -> {
        MemorySegment nm = ar.allocateFrom(name);
        if (mode.equals("tmpfileE") && (int) FACCESSAT.invokeExact(dfd, nm, 0, 0x100) == 0) return;
        int fd = (int) OPENAT.invokeExact(dfd, ar.allocateFrom("."), O_TMPFILE|O_WRONLY|O_CLOEXEC, 0644);
        long w = (long) WRITE.invokeExact(fd, MemorySegment.ofArray(d), (long) d.length);
        int r = (int) LINKAT.invokeExact(fd, ar.allocateFrom(""), dfd, nm, 0x1000);
        if (r != 0) throw new RuntimeException("linkat E");
        int c = (int) CLOSE.invokeExact(fd);
      }
      case "direct" -> {
        MemorySegment nm = ar.allocateFrom(name);
        int fd = (int) OPENAT.invokeExact(dfd, nm, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644);
        long w = (long) WRITE.invokeExact(fd, MemorySegment.ofArray(d), (long) d.length);
        int c = (int) CLOSE.invokeExact(fd);
      }
    }
  }
}
