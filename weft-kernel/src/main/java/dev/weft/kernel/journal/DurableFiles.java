package dev.weft.kernel.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * File operations that must run to completion once started. A thread interrupt (Ctrl-C in the CLI) closes
 * any {@link FileChannel} the interrupted thread is using ({@link java.nio.channels.ClosedByInterruptException}),
 * which would leave a temporary file or directory behind halfway through a create-fsync-rename sequence.
 * {@link #uninterruptibly} runs such a sequence on a short-lived platform thread that nobody interrupts and
 * waits for it without giving up; an interrupt that arrives meanwhile is kept and re-asserted on the caller
 * afterwards, so the caller still sees it at its next interruptible point.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /** An I/O action. */
  @FunctionalInterface
  public interface IoAction<T> {
    T run() throws IOException;
  }

  /** An I/O action taking a path. */
  @FunctionalInterface
  public interface IoConsumer {
    void accept(Path path) throws IOException;
  }

  private static final ThreadLocal<Boolean> SHIELDED = ThreadLocal.withInitial(() -> false);

  /**
   * Runs {@code action} to completion regardless of interrupts of the calling thread (see the class
   * comment). Nested calls run inline.
   */
  public static <T> T uninterruptibly(IoAction<T> action) throws IOException {
    if (SHIELDED.get()) {
      return action.run();
    }
    Object[] result = new Object[1];
    Throwable[] failure = new Throwable[1];
    Thread worker = Thread.ofPlatform().name("weft-durable-io").daemon(true).unstarted(() -> {
      SHIELDED.set(true);
      try {
        result[0] = action.run();
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    worker.start();
    boolean interrupted = false;
    while (true) {
      try {
        worker.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure[0];
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    @SuppressWarnings("unchecked")
    T r = (T) result[0];
    return r;
  }

  /** As {@link #uninterruptibly(IoAction)} for an action without a result, wrapping I/O errors. */
  public static void uninterruptiblyUnchecked(IoAction<?> action) {
    try {
      uninterruptibly(action);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree if it exists. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
