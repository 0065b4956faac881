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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
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

  /**
   * Generous bound for things that must happen but whose latency is up to the OS: a process dying after
   * SIGKILL, the JDK reaping it, a thread ending. On a loaded 2-core CI machine these take from
   * microseconds to seconds; a real leak never settles, so the bound only decides how long a failure
   * takes to report.
   */
  private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** Polls {@code condition} until it holds or {@link #SETTLE_NANOS} pass; returns whether it held. */
  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_NANOS;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  private static boolean dies(long pid) throws InterruptedException {
    return eventually(() -> !alive(pid));
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
    // Long enough for the function to spawn its `sleep 30` child (a first ProcessBuilder.start in the
    // worker JVM) even on an overloaded machine, so the tree really has two levels when the timeout hits;
    // the contract under test, TimedOut within timeout + 200 ms, is the same for any timeout.
    long timeoutMs = 2000;
    CallLimits limits = SMALL.withTimeout(Duration.ofMillis(timeoutMs));
    long workerPid = pidOfWorker(limits); // warm, so the timeout measures the call rather than a cold start
    Path pidFile = dir.resolve("grandchild.pid");

    // Scheduler delay: the 200 ms are for the pool's own work after the timeout (list the tree, SIGKILL
    // it, a bounded wait for the exit), but on a machine with a load of 10+ on 2 cores any runnable
    // thread waits for a CPU, first to wake from the timed wait at all, then between every step, and
    // that alone can exceed 200 ms. So measure it: a probe thread of the same priority sleeps until the
    // timeout as the pool's wait does, then naps 1 ms at a time until the call returns, and adds up how
    // much later than asked it got to run each time. That is time the pool's thread very likely spent
    // waiting for a CPU too, not time the pool took; it is added to the allowance. On an idle machine it
    // is ~0 and the bound is the plain timeout + 200 ms.
    AtomicLong lateNanos = new AtomicLong(-1);
    AtomicBoolean returned = new AtomicBoolean();
    long start = System.nanoTime();
    Thread probe = Thread.ofPlatform().name("timeout-probe").start(() -> {
      long late = 0;
      try {
        long wakeAt = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Thread.sleep(Duration.ofNanos(Math.max(0, wakeAt - System.nanoTime())));
        late += Math.max(0, System.nanoTime() - wakeAt);
        while (!returned.get()) {
          long t0 = System.nanoTime();
          Thread.sleep(1);
          late += Math.max(0, System.nanoTime() - t0 - 1_000_000);
        }
      } catch (InterruptedException e) {
        return;
      }
      lateNanos.set(late);
    });

    WorkerOutcome o = pool.call("test.spawn-and-hang", utf8(pidFile.toString()), limits);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    returned.set(true);
    probe.join();

    assertEquals(new WorkerOutcome.TimedOut(Duration.ofMillis(timeoutMs)), o);
    long schedulerDelayMs = lateNanos.get() / 1_000_000;
    assertTrue(lateNanos.get() >= 0, "the probe did not finish");
    assertTrue(elapsedMs < timeoutMs + 200 + schedulerDelayMs,
        "TimedOut after " + elapsedMs + " ms; a probe thread waited " + schedulerDelayMs + " ms for a CPU meanwhile");
    assertTrue(Files.exists(pidFile), "the function did not spawn its child within " + timeoutMs + " ms");
    long grandchild = Long.parseLong(Files.readString(pidFile));
    // Both were sent SIGKILL before the call returned (the child is listed while its parent still lives).
    // Dying after SIGKILL takes a moment that on a loaded machine can exceed any small bound, so wait for
    // it, but less than 28 s: unkilled, the child would sleep on until 30 s after it was spawned (and the
    // worker hang for 60 s), so dying within the wait means it was killed, not that it finished.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((alive(workerPid) || alive(grandchild)) && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
    assertFalse(alive(workerPid), "worker " + workerPid + " still alive");
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
    assertTrue(dies(before), "crashed worker " + before + " still running");

    long after = pidOfWorker(SMALL);
    assertNotEquals(before, after);
    assertEquals(2, pool.metrics().started());
    assertEquals(1, pool.metrics().crashed());
  }

  @Test
  void anIdleWorkerKilledFromOutsideIsReplacedWithoutFailingTheNextCall() throws Exception {
    Set<Thread> readersBefore = workerReaders();
    long before = pidOfWorker(SMALL);
    Set<Thread> reader = workerReaders();
    reader.removeAll(readersBefore);
    assertEquals(1, reader.size(), "the one worker's stdout reader: " + reader);
    ProcessHandle worker = ProcessHandle.of(before).orElseThrow();
    worker.destroyForcibly();
    // The pool sees the death through its Process.isAlive(), which turns false only once the JDK's reaper
    // thread has reaped the child and marked that Process exited. The test's own onExit() future can
    // complete before that mark (its callback runs on another thread), so a fixed sleep after it was a
    // guess. The worker's stdout reader, on EOF, waits (up to a second past the death) on that same Process
    // for the exit status of its report, so once the reader is gone the pool's isAlive() is false unless
    // the reaper lagged the reader by over a second: the next call then meets a dead idle worker, which is
    // what this test is about.
    assertTrue(dies(before), "worker " + before + " still running after SIGKILL");
    assertTrue(eventually(() -> reader.stream().noneMatch(Thread::isAlive)), "the worker's reader never saw it die");
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
    // Interrupt only once the call is in flight (counted just before it is sent), not after a fixed sleep
    // that a slow machine may not even have started the caller within: an interrupt before the call
    // reaches the worker kills nothing, rightly.
    assertTrue(eventually(() -> pool.metrics().calls() == 2), "the call never reached the worker");
    caller.interrupt();
    caller.join(TimeUnit.NANOSECONDS.toMillis(SETTLE_NANOS));
    assertFalse(caller.isAlive(), "the interrupted caller is still blocked");
    assertInstanceOf(InterruptedException.class, thrown.get());
    assertTrue(dies(pid), "worker " + pid + " still running");
    assertEquals(1, pool.metrics().interrupted());
  }

  @Test
  void asyncCallsAndCancel() throws Exception {
    CompletableFuture<WorkerOutcome> a = pool.callAsync("test.reverse", utf8("12"), SMALL);
    CompletableFuture<WorkerOutcome> b = pool.callAsync("test.reverse", utf8("34"), SMALL);
    assertArrayEquals(utf8("21"), ((WorkerOutcome.Success) a.get()).output());
    assertArrayEquals(utf8("43"), ((WorkerOutcome.Success) b.get()).output());

    CompletableFuture<WorkerOutcome> slow = pool.callAsync("test.sleep", utf8("20000"), SMALL);
    // As above: cancel once the call is in flight, whatever time the machine took to get there.
    assertTrue(eventually(() -> pool.metrics().calls() == 3), "the slow call never reached a worker");
    slow.cancel(true);
    eventually(() -> pool.metrics().interrupted() != 0);
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
      // Eviction sends SIGKILL and waits only briefly (150 ms) for the exit, which a loaded machine can
      // exceed; an idle worker that was not evicted lives on until the pool closes, so waiting still fails.
      assertTrue(dies(pa), "the idle worker of the other key was evicted");
      String stat = Files.readString(Path.of("/proc/" + pb + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // field 19 of /proc/pid/stat is the nice value: 5 as asked, or ours if this JVM runs niced more (the
      // pool's threads inherit this thread's level)
      assertEquals(Integer.toString(Math.max(5, Worker.callerNice())), fields[16], "the worker's nice level");
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
    // Let the threads and processes of the closed pools (this test's and earlier tests') finish dying, so
    // the baseline holds only what stays. Set-based below, so a leftover that dies later cannot hide a leak.
    eventually(() -> ourThreads().stream().noneMatch(t -> t.getName().startsWith("weft-worker-")));
    eventually(() -> ProcessHandle.current().children().findAny().isEmpty());
    Set<Thread> threadsBefore = ourThreads();
    List<String> names = Leaks.threadNames();
    int threads = Leaks.threads();
    int fds = Leaks.openFds();
    Set<Long> childrenBefore = childPids();

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
    assertTrue(eventually(() -> newThreads(threadsBefore).isEmpty()),
        () -> "threads left behind: " + newThreads(threadsBefore) + "; before " + names + ", after " + Leaks.threadNames());
    assertTrue(eventually(() -> Leaks.openFds() <= fds), () -> "file descriptors left open: " + Leaks.openFds() + " > " + fds);
    assertTrue(eventually(() -> childrenBefore.containsAll(childPids())),
        () -> "worker processes left behind: " + childPids() + ", before " + childrenBefore);
  }

  /** Live stdout reader threads of workers of any pool ("weft-worker-P-N-out"). */
  private static Set<Thread> workerReaders() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("weft-worker-") && t.getName().endsWith("-out"))
        .collect(Collectors.toSet());
  }

  private static Set<Long> childPids() {
    return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  /**
   * Live platform threads other than the JDK's own on-demand ones, which start and expire on the JDK's
   * schedule rather than ours: "process reaper" threads are a cached pool that waits for child processes
   * and lingers idle for 60 s after the child is gone (a leaked worker process is caught by the
   * child-process check instead); ForkJoinPool workers (common pool, virtual-thread carriers) idle on
   * likewise; "Attach Listener" starts when a tool such as jcmd attaches; "Common-Cleaner" is the JDK's.
   * Everything the pool starts (its "weft-worker-" pipe threads) and any unnamed thread still counts.
   */
  private static Set<Thread> ourThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> {
      String n = t.getName();
      return !(n.startsWith("process reaper") || n.startsWith("ForkJoinPool") || n.equals("Attach Listener")
          || n.equals("Common-Cleaner"));
    }).collect(Collectors.toSet());
  }

  /** Threads (as by {@link #ourThreads}) alive now that were not in {@code before}, by name. */
  private static List<String> newThreads(Set<Thread> before) {
    return ourThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName).sorted().toList();
  }
}
