package dev.weft.store.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command that has to wait for the repository lock says so once, naming the holder when it can. */
class LockWaitTest {
  @TempDir
  Path dir;

  /** Run in a child JVM: takes {@code args[0]} exclusively, prints "locked", holds it until stdin closes. */
  public static void main(String[] args) throws IOException {
    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock lock = ch.lock()) {
      System.out.println("locked");
      System.out.flush();
      System.in.read();
    }
  }

  @Test
  void waitingForAnotherProcessIsReportedOnceWithItsPid() throws Exception {
    Repository repo = Repository.open(dir.resolve("r"), true);
    List<String> notices = new CopyOnWriteArrayList<>();
    repo.onLockWait(notices::add);
    Process holder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), LockWaitTest.class.getName(), dir.resolve("r/.lock").toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
      assertEquals("locked", out.readLine());
      CountDownLatch got = new CountDownLatch(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread waiter = Thread.ofPlatform().start(() -> {
        try (RepoLock l = repo.lockShared()) {
          got.countDown();
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      awaitNotice(notices);
      assertEquals(1, got.getCount(), "lock granted while held");
      assertEquals(1, notices.size(), notices.toString());
      String n = notices.get(0);
      assertTrue(n.startsWith("waiting for the repository lock " + dir.resolve("r/.lock")), n);
      assertTrue(n.contains("process " + holder.pid()) && n.contains("exclusively"), n);
      holder.getOutputStream().close(); // the holder exits and the waiter gets the lock
      assertTrue(got.await(30, TimeUnit.SECONDS), "lock granted after the holder left");
      waiter.join();
      assertEquals(null, failure.get());
      assertEquals(1, notices.size(), "one notice per wait");
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void aFreeLockOrAShortWaitSaysNothing() throws Exception {
    Repository repo = Repository.open(dir.resolve("r"), true);
    List<String> notices = new CopyOnWriteArrayList<>();
    repo.onLockWait(notices::add);
    try (RepoLock l = repo.lockExclusive()) {
      // free
    }
    CountDownLatch holding = new CountDownLatch(1);
    Thread.ofPlatform().start(() -> {
      // A RepoLock belongs to the thread that took it: this one takes it, holds it 20 ms, releases it
      // (far below the notice's 500 ms: only a stall of the holder of more than 480 ms would reach it).
      try (RepoLock held = repo.lockShared()) {
        holding.countDown();
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    holding.await();
    try (RepoLock l = repo.lockExclusive()) {
      // waited about 20 ms for this process's own shared holder
    }
    assertTrue(notices.isEmpty(), notices.toString());
  }

  @Test
  void waitingInsideOneProcessIsReportedToo() throws Exception {
    Repository repo = Repository.open(dir.resolve("r"), true);
    List<String> notices = new CopyOnWriteArrayList<>();
    repo.onLockWait(notices::add);
    RepoLock held = repo.lockExclusive();
    CountDownLatch got = new CountDownLatch(1);
    Thread waiter = Thread.ofPlatform().start(() -> {
      try (RepoLock l = repo.lockShared()) {
        got.countDown();
      }
    });
    awaitNotice(notices);
    assertEquals(1, got.getCount(), "lock granted while held");
    assertEquals(1, notices.size(), notices.toString());
    held.close();
    assertTrue(got.await(10, TimeUnit.SECONDS));
    waiter.join();
  }

  @Test
  void interruptingTheWaitCancelsIt() throws Exception {
    Repository repo = Repository.open(dir.resolve("r"), true);
    RepoLock held = repo.lockExclusive();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread waiter = Thread.ofPlatform().start(() -> {
      try (RepoLock l = repo.lockShared()) {
        // not reached
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    Thread.sleep(RepoLock.NOTICE_AFTER_MS + 200);
    waiter.interrupt();
    waiter.join(10_000);
    assertFalse(waiter.isAlive());
    assertTrue(failure.get() instanceof java.util.concurrent.CancellationException, String.valueOf(failure.get()));
    held.close();
    try (RepoLock l = repo.lockExclusive()) {
      // the cancelled waiter left nothing behind
    }
  }

  @Test
  void theHoldersCommandKeepsTheSubcommandAfterGlobalOptions() {
    assertEquals(" (weft --repo r --threads 1 oci import a.tar)", LockHolders.command(new String[] {
        "java", "-cp", "x.jar", "dev.weft.cli.Main", "--repo", "r", "--threads", "1", "oci", "import", "a.tar"}));
    assertEquals(" (weft gc)", LockHolders.command(new String[] {"java", "-jar", "weft.jar", "gc"}));
    assertEquals("", LockHolders.command(new String[] {"python3", "x.py"}));
    String longOne = LockHolders.command(new String[] {"java", "-jar", "w.jar", "oci", "import", "x".repeat(300)});
    assertTrue(longOne.length() <= 103 && longOne.endsWith("…)"), longOne);
  }

  /**
   * Waits (up to 30 s) for the first lock-wait notice: it is due after {@link RepoLock#NOTICE_AFTER_MS} of
   * waiting, but a loaded machine may take longer to start the waiter and post it.
   */
  private static void awaitNotice(List<String> notices) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (notices.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(notices.isEmpty(), "no notice after 30 s of waiting");
  }
}
