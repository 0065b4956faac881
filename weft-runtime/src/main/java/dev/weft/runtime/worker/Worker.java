package dev.weft.runtime.worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One worker process and the two platform threads that own its output pipes: {@code out} reads the
 * protocol's replies and completes the pending call; {@code err} drains stderr into a bounded tail, so a
 * chatty child never blocks on a full pipe. Platform rather than virtual threads because a blocking pipe
 * read pins a virtual thread's carrier anyway; these two are named, daemon, and end with the process.
 *
 * <p>One call at a time: the pool hands a worker to one caller, who calls {@link #send} and waits on the
 * returned future; the reader completes it with the reply, or with {@link WorkerOutcome.Crashed} (or
 * {@link WorkerOutcome.ResourceExceeded} if the JVM reported running out of memory) when the process dies.
 */
final class Worker {
  private static final int STDERR_TAIL_BYTES = 4096;
  /** How long to wait for a dying worker's exit code and last stderr before reporting the crash. */
  private static final long DEATH_GRACE_MS = 1000;

  final WorkerPool.Key key;
  private final Process process;
  private final DataOutputStream toChild;
  private final Thread outReader;
  private final Thread errDrain;
  private final StderrTail tail = new StderrTail(STDERR_TAIL_BYTES);
  /** Completed by the reader when the HELLO frame arrives, or with a crash outcome if the child dies first. */
  private final CompletableFuture<WorkerOutcome> hello = new CompletableFuture<>();
  private volatile CompletableFuture<WorkerOutcome> pending;
  private volatile boolean killed;

  private Worker(WorkerPool.Key key, Process process, String name) {
    this.key = key;
    this.process = process;
    this.toChild = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.outReader = Thread.ofPlatform().daemon().name(name + "-out").unstarted(this::readReplies);
    this.errDrain = Thread.ofPlatform().daemon().name(name + "-err").unstarted(this::drainStderr);
  }

  /**
   * The calling thread's nice level (Linux keeps it per thread, and a started process inherits the level of
   * the thread that starts it; a {@code renice} of weft may have changed it since start-up); 0 where /proc
   * cannot tell.
   */
  static int callerNice() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
      // fields after the command name, which is in parentheses and may contain spaces: nice is field 19
      return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Starts the process; its HELLO (or its early death) completes {@link #started()}. */
  static Worker start(WorkerPool.Key key, WorkerPool.Config config, String name) throws IOException {
    List<String> command = new ArrayList<>();
    // nice(1) adds to the starting thread's level; the key's level is absolute (CallLimits), and a worker
    // never runs at a higher priority than the thread that starts it.
    int raise = key.nice() - callerNice();
    if (raise > 0) {
      command.addAll(List.of("nice", "-n", Integer.toString(raise)));
    }
    command.add(config.javaBinary().toString());
    command.add("-Xmx" + (key.heapBytes() >> 10) + "k");
    command.addAll(config.extraJvmArgs());
    command.addAll(List.of("-cp", config.classpath(), WorkerMain.class.getName()));
    // Every stream is a pipe: the child never inherits our stdin, and its stdout is the protocol.
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.PIPE).start();
    Worker w = new Worker(key, p, name);
    w.outReader.start();
    w.errDrain.start();
    return w;
  }

  /** Completes with {@code null} once the worker announced itself, or with the outcome of its early death. */
  CompletableFuture<WorkerOutcome> started() {
    return hello;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Sends one call; the future completes with the reply or with the outcome of the worker's death. */
  CompletableFuture<WorkerOutcome> send(String function, byte[] input) {
    CompletableFuture<WorkerOutcome> reply = new CompletableFuture<>();
    pending = reply;
    if (!process.isAlive()) {
      // The reader may already have passed its last chance to see this call; report the death directly.
      reportDeath(reply);
      return reply;
    }
    try {
      new Protocol.Builder(Protocol.CALL).string(function).writeTo(toChild, input);
    } catch (IOException e) {
      // A broken pipe: the child died. Its reader reports how.
    }
    return reply;
  }

  private void readReplies() {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16))) {
      Protocol.Frame frame;
      while ((frame = Protocol.read(in)) != null) {
        switch (frame.type()) {
          case Protocol.HELLO -> hello.complete(null);
          case Protocol.SUCCESS -> {
            long nanos = frame.body().getLong();
            complete(new WorkerOutcome.Success(frame.rest(), Duration.ofNanos(nanos)));
          }
          case Protocol.FAILED -> complete(new WorkerOutcome.Failed(frame.string(), frame.string(), frame.string()));
          case Protocol.RESOURCE -> complete(new WorkerOutcome.ResourceExceeded(frame.string()));
          default -> throw new IOException("unknown worker frame type " + frame.type());
        }
      }
    } catch (IOException | RuntimeException e) {
      // The stream broke or went out of step: the worker is no use any more; kill it and report below.
      if (!killed) {
        tail.note("weft: worker protocol error: " + e);
        destroyTree();
      }
    }
    WorkerOutcome death = deathOutcome();
    if (process.isAlive()) {
      destroyTree(); // it closed its stdout but lingers: no use to anyone
    }
    hello.complete(death);
    // Read only now that the process is gone: a call sent later sees it dead in send() and reports itself.
    CompletableFuture<WorkerOutcome> last = pending;
    if (last != null) {
      last.complete(death);
    }
  }

  private void complete(WorkerOutcome outcome) {
    CompletableFuture<WorkerOutcome> p = pending;
    if (p != null) {
      p.complete(outcome);
    }
  }

  private void reportDeath(CompletableFuture<WorkerOutcome> reply) {
    reply.complete(deathOutcome());
  }

  private WorkerOutcome deathOutcome() {
    int exit;
    try {
      exit = process.waitFor(DEATH_GRACE_MS, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
      errDrain.join(DEATH_GRACE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = -1;
    }
    String stderr = tail.text();
    if (stderr.contains("java.lang.OutOfMemoryError")) {
      return new WorkerOutcome.ResourceExceeded("heap limit of " + (key.heapBytes() >> 20) + " MiB: OutOfMemoryError");
    }
    return new WorkerOutcome.Crashed(exit, stderr);
  }

  private void drainStderr() {
    byte[] buf = new byte[8192];
    try (InputStream err = process.getErrorStream()) {
      int n;
      while ((n = err.read(buf)) >= 0) {
        tail.append(buf, n);
      }
    } catch (IOException e) {
      // the pipe closed under us when the worker was killed; the tail keeps what arrived
    }
  }

  /** The last few KiB the worker wrote to stderr. */
  String stderrTail() {
    return tail.text();
  }

  /**
   * Kills the worker and every process it started, then waits (bounded) for the worker to exit. The
   * descendants are listed before the worker dies, because once it is gone they are re-parented and
   * can no longer be found from here.
   */
  void destroyTree() {
    killed = true;
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(150, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Ends the worker: closes its stdin (a healthy worker then exits by itself), kills the tree if it is
   * still alive after {@code graceMs}, and, if {@code join}, waits (bounded) for the pipe threads, which
   * otherwise end by themselves as soon as the pipes close.
   */
  void shutdown(long graceMs, boolean join) {
    try {
      toChild.close();
    } catch (IOException e) {
      // already broken: the worker is dead or dying
    }
    boolean exited = false;
    try {
      exited = graceMs > 0 && process.waitFor(graceMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Not again if already killed (a timed-out or interrupted call, close()): the tree was listed and
    // killed then, a second listing finds nothing (the orphans are re-parented), and its bounded wait
    // would delay the caller by up to another 150 ms, past the timeout + 200 ms a timed-out call promises.
    if (!killed && (!exited || process.descendants().findAny().isPresent())) {
      destroyTree();
    }
    if (join) {
      joinQuietly(outReader);
      joinQuietly(errDrain);
    }
  }

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    try {
      t.join(2000);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A ring of the last bytes written to stderr, decoded on demand. */
  private static final class StderrTail {
    private final byte[] ring;
    private long written; // guarded by this

    StderrTail(int size) {
      ring = new byte[size];
    }

    synchronized void append(byte[] b, int n) {
      for (int i = 0; i < n; i++) {
        ring[(int) (written++ % ring.length)] = b[i];
      }
    }

    void note(String line) {
      byte[] b = ("\n" + line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      append(b, b.length);
    }

    synchronized String text() {
      int n = (int) Math.min(written, ring.length);
      byte[] out = new byte[n];
      long from = written - n;
      for (int i = 0; i < n; i++) {
        out[i] = ring[(int) ((from + i) % ring.length)];
      }
      return new String(out, java.nio.charset.StandardCharsets.UTF_8).strip();
    }
  }
}
