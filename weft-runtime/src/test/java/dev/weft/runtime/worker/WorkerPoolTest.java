package dev.weft.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.testutil.Leaks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPoolTest {
  private static final CallLimits SMALL = CallLimits.defaults().withHeapBytes(64L << 20).withTimeout(Duration.ofSeconds(30));

  private WorkerPool pool;

  @BeforeEach
  void open() {
    pool = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(2));
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private long pidOfWorker(CallLimits limits) throws InterruptedException {
    WorkerOutcome o = pool.call("test.pid", new byte[0], limits);
    return Long.parseLong(new String(assertInstanceOf(WorkerOutcome.Success.class, o).output(), StandardCharsets.UTF_8));
  }

  /**
   * Running (not merely a zombie). A killed process whose parent died is a zombie until the init process
   * reaps it, which here may take a second; the JDK's isAlive() counts zombies as alive, so read
   * /proc/PID/stat instead.
   */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException e) {
      return false; // gone
    }
  }

  @Test
  void callsRunInAWarmWorkerThatSurvivesFailures() throws Exception {
    WorkerOutcome o = pool.call("test.reverse", utf8("abc"), SMALL);
    assertArrayEquals(utf8("cba"), assertInstanceOf(WorkerOutcome.Success.class, o).output());
    long pid = pidOfWorker(SMALL);

    WorkerOutcome failed = pool.call("test.fail", utf8("bad input at byte 7"), SMALL);
    WorkerOutcome.Failed f = assertInstanceOf(WorkerOutcome.Failed.class, failed);
    assertEquals(IllegalStateException.class.getName(), f.exceptionClass());
    assertEquals("bad input at byte 7", f.message());
    assertTrue(f.stackTrace().contains("TestFunctions$Fail.apply"), f.stackTrace());

    assertEquals(pid, pidOfWorker(SMALL), "a function's exception must not cost the worker");
    assertEquals(1, pool.metrics().started());
    assertEquals(1, pool.metrics().failed());
  }

  @Test
  void unknownFunctionIsAFailureNamingIt() throws Exception {
    WorkerOutcome o = pool.call("no.such.function", new byte[0], SMALL);
    assertTrue(assertInstanceOf(WorkerOutcome.Failed.class, o).message().contains("no.such.function"));
  }

  @Test
  void largePayloadsRoundTrip() throws Exception {
    byte[] big = new byte[3 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + 7);
    }
    byte[] out = assertInstanceOf(WorkerOutcome.Success.class, pool.call("test.reverse", big, SMALL)).output();
    assertEquals(big.length, out.length);
    for (int i = 0; i < big.length; i++) {
      if (out[i] != big[big.length - 1 - i]) {
        throw new AssertionError("byte " + i + " differs");
      }
    }
  }

  @Test
  void timeoutKillsTheWholeProcessTreeInTime(@TempDir Path dir) throws Exception {
    CallLimits limits = SMALL.withTimeout(Duration.ofMillis(700));
    long workerPid = pidOfWorker(limits); // warm, so the timeout measures the call rather than a cold start
    Path pidFile = dir.resolve("grandchild.pid");

    long start = System.nanoTime();
    WorkerOutcome o = pool.call("test.spawn-and-hang", utf8(pidFile.toString()), limits);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(new WorkerOutcome.TimedOut(Duration.ofMillis(700)), o);
    assertTrue(elapsedMs < 700 + 200, "TimedOut after " + elapsedMs + " ms");
    long grandchild = Long.parseLong(Files.readString(pidFile));
    assertFalse(alive(workerPid), "worker " + workerPid + " still alive");
    // Killed together with the worker, before the call returned (SIGKILL may take a moment to land).
    long deadline = System.nanoTime() + 50_000_000L;
    while (alive(grandchild) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertFalse(alive(grandchild), "grandchild sleep " + grandchild + " still alive");
    assertEquals(1, pool.metrics().timedOut());
    assertNotEquals(workerPid, pidOfWorker(limits), "a killed worker is replaced");
  }

  @Test
  void crashIsReportedAndTheWorkerReplaced() throws Exception {
    long before = pidOfWorker(SMALL);
    WorkerOutcome o = pool.call("test.crash", new byte[0], SMALL);
    WorkerOutcome.Crashed c = assertInstanceOf(WorkerOutcome.Crashed.class, o);
    assertEquals(42, c.exitCode());
    assertTrue(c.stderrTail().contains("about to crash on purpose"), c.stderrTail());
    assertFalse(alive(before));

    long after = pidOfWorker(SMALL);
    assertNotEquals(before, after);
    assertEquals(2, pool.metrics().started());
    assertEquals(1, pool.metrics().crashed());
  }

  @Test
  void anIdleWorkerKilledFromOutsideIsReplacedWithoutFailingTheNextCall() throws Exception {
    long before = pidOfWorker(SMALL);
    ProcessHandle.of(before).orElseThrow().destroyForcibly();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (alive(before) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(50); // let the JDK reap it, so the pool can see it is gone
    long after = pidOfWorker(SMALL);
    assertNotEquals(before, after);
    assertEquals(0, pool.metrics().crashed());
  }

  @Test
  void outOfMemoryIsResourceExceeded() throws Exception {
    CallLimits tiny = SMALL.withHeapBytes(32L << 20);
    WorkerOutcome o = pool.call("test.hog", new byte[0], tiny);
    assertTrue(assertInstanceOf(WorkerOutcome.ResourceExceeded.class, o).what().contains("OutOfMemoryError"), o.toString());
    assertInstanceOf(WorkerOutcome.Success.class, pool.call("test.reverse", utf8("x"), tiny));
  }

  @Test
  void interruptingTheCallerKillsTheWorker() throws Exception {
    long pid = pidOfWorker(SMALL);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller = Thread.ofPlatform().start(() -> {
      try {
        pool.call("test.sleep", utf8("20000"), SMALL);
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    Thread.sleep(300);
    caller.interrupt();
    caller.join(2000);
    assertFalse(caller.isAlive());
    assertInstanceOf(InterruptedException.class, thrown.get());
    assertFalse(alive(pid));
    assertEquals(1, pool.metrics().interrupted());
  }

  @Test
  void asyncCallsAndCancel() throws Exception {
    CompletableFuture<WorkerOutcome> a = pool.callAsync("test.reverse", utf8("12"), SMALL);
    CompletableFuture<WorkerOutcome> b = pool.callAsync("test.reverse", utf8("34"), SMALL);
    assertArrayEquals(utf8("21"), ((WorkerOutcome.Success) a.get()).output());
    assertArrayEquals(utf8("43"), ((WorkerOutcome.Success) b.get()).output());

    CompletableFuture<WorkerOutcome> slow = pool.callAsync("test.sleep", utf8("20000"), SMALL);
    Thread.sleep(300);
    slow.cancel(true);
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (pool.metrics().interrupted() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, pool.metrics().interrupted(), "cancelling the future kills the worker");
  }

  @Test
  void workersAreKeyedByHeapAndNiceAndEvictedWhenFull() throws Exception {
    try (WorkerPool one = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(1))) {
      CallLimits a = SMALL;
      CallLimits b = SMALL.withNice(5);
      long pa = Long.parseLong(new String(((WorkerOutcome.Success) one.call("test.pid", new byte[0], a)).output(), StandardCharsets.UTF_8));
      long pb = Long.parseLong(new String(((WorkerOutcome.Success) one.call("test.pid", new byte[0], b)).output(), StandardCharsets.UTF_8));
      assertNotEquals(pa, pb);
      assertFalse(alive(pa), "the idle worker of the other key was evicted");
      String stat = Files.readString(Path.of("/proc/" + pb + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      assertEquals("5", fields[16], "field 19 of /proc/pid/stat is the nice value");
      assertEquals(1, one.metrics().live());
    }
  }

  @Test
  void aWorkerThatCannotStartIsReportedNotHung() throws Exception {
    try (WorkerPool bad = WorkerPool.create(WorkerPool.Config.defaults().withClasspath("/nonexistent"))) {
      WorkerOutcome o = bad.call("test.pid", new byte[0], SMALL);
      WorkerOutcome.Crashed c = assertInstanceOf(WorkerOutcome.Crashed.class, o);
      assertEquals(1, c.exitCode());
      assertTrue(c.stderrTail().contains("WorkerMain"), c.stderrTail());
    }
    try (WorkerPool bad = WorkerPool.create(WorkerPool.Config.defaults().withJavaBinary(Path.of("/nonexistent/java")))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.call("test.pid", new byte[0], SMALL));
      assertTrue(e.getMessage().contains("/nonexistent/java"), e.getMessage());
      assertEquals(0, bad.metrics().live(), "the failed start gave its slot back");
    }
  }

  @Test
  void aHugeTimeoutDoesNotOverflow() throws Exception {
    WorkerOutcome o = pool.call("test.reverse", utf8("ok"), SMALL.withTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
    assertInstanceOf(WorkerOutcome.Success.class, o);
  }

  @Test
  void closedPoolRefusesCalls() {
    pool.close();
    assertThrows(IllegalStateException.class, () -> pool.call("test.pid", new byte[0], SMALL));
  }

  @Test
  void hundredCallsLeaveNoThreadsFdsOrProcessesBehind() throws Exception {
    // One round first, so JDK-owned lazily created threads (the process reaper) exist in the baseline.
    try (WorkerPool warm = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(2))) {
      warm.call("test.pid", new byte[0], SMALL);
    }
    pool.close();
    Thread.sleep(200); // let the threads of the closed pools finish dying
    int threads = Leaks.threads();
    List<String> names = Leaks.threadNames();
    int fds = Leaks.openFds();
    long children = ProcessHandle.current().children().count();

    // Four platform callers of our own (joined below) rather than callAsync: a virtual thread blocked on
    // a pipe write makes the JDK add carrier threads that idle on for a while, which would blur the count.
    try (WorkerPool p = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(2))) {
      List<Thread> callers = new ArrayList<>();
      List<WorkerOutcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int c = 0; c < 4; c++) {
        int caller = c;
        callers.add(Thread.ofPlatform().start(() -> {
          for (int i = caller; i < 100; i += 4) {
            try {
              outcomes.add(p.call(i % 10 == 9 ? "test.fail" : "test.reverse", utf8("call " + i), SMALL));
            } catch (InterruptedException e) {
              return;
            }
          }
        }));
      }
      assertTrue(Leaks.threads() > threads, "workers hold reader threads while alive");
      for (Thread t : callers) {
        t.join();
      }
      assertEquals(100, outcomes.size());
      for (WorkerOutcome o : outcomes) {
        assertTrue(o instanceof WorkerOutcome.Success || o instanceof WorkerOutcome.Failed, o.toString());
      }
      assertEquals(100, p.metrics().calls());
    }
    assertTrue(Leaks.threadsSettledAtMost(threads) <= threads,
        () -> "threads left behind: before " + names + ", after " + Leaks.threadNames());
    assertTrue(Leaks.fdsSettledAtMost(fds) <= fds, "file descriptors left open");
    assertEquals(children, ProcessHandle.current().children().count(), "worker processes left behind");
  }
}
