package dev.weft.store.repo;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * {@code syncfs(2)} through the FFM API: one call makes everything written to the repository's filesystem
 * durable, which is the single barrier composefs uses instead of an fsync per object. Unavailable (null
 * handles) off Linux or without native access; the repository then fsyncs the files it wrote.
 */
final class Syncfs {
  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0x10000; // Linux x86-64 and aarch64
  private static final MethodHandle OPEN;
  private static final MethodHandle SYNCFS;
  private static final MethodHandle CLOSE;

  static {
    MethodHandle open = null;
    MethodHandle syncfs = null;
    MethodHandle close = null;
    try {
      Linker linker = Linker.nativeLinker();
      var lookup = linker.defaultLookup();
      open = linker.downcallHandle(lookup.find("open").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
          Linker.Option.firstVariadicArg(2));
      syncfs = linker.downcallHandle(lookup.find("syncfs").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      close = linker.downcallHandle(lookup.find("close").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    } catch (Throwable t) {
      open = null; // not Linux, or native access denied: fall back to fsync
    }
    OPEN = open;
    SYNCFS = open == null ? null : syncfs;
    CLOSE = open == null ? null : close;
  }

  private Syncfs() {}

  /** Syncs the filesystem holding {@code dir}; false if syncfs is unavailable or failed. */
  static boolean sync(Path dir) {
    if (OPEN == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment path = arena.allocateFrom(dir.toAbsolutePath().toString());
      int fd = (int) OPEN.invokeExact(path, O_RDONLY | O_DIRECTORY, 0);
      if (fd < 0) {
        return false;
      }
      try {
        return (int) SYNCFS.invokeExact(fd) == 0;
      } finally {
        int ignored = (int) CLOSE.invokeExact(fd);
      }
    } catch (Throwable t) {
      return false;
    }
  }
}
