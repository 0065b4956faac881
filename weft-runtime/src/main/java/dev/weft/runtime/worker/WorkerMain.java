package dev.weft.runtime.worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The main class of a worker JVM: loads every {@link WorkerFunction} on its class path, announces itself,
 * then serves calls one at a time from stdin to stdout until stdin ends. {@code System.out} is pointed at
 * stderr so a function that prints cannot corrupt the protocol. After an {@link OutOfMemoryError} the
 * worker answers {@code RESOURCE} and exits, since its heap may be in no state to serve another call.
 */
public final class WorkerMain {
  /** Exit code after reporting an OutOfMemoryError. */
  static final int EXIT_RESOURCE = 3;

  private WorkerMain() {}

  public static void main(String[] args) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
    System.setOut(System.err);
    DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
    // If the parent dies while a function is stuck, nobody would ever close our stdin: leave with it.
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));

    Map<String, WorkerFunction> functions = new HashMap<>();
    for (WorkerFunction f : ServiceLoader.load(WorkerFunction.class)) {
      functions.putIfAbsent(f.name(), f);
    }
    new Protocol.Builder(Protocol.HELLO).int32(Protocol.VERSION).int64(ProcessHandle.current().pid())
        .writeTo(out, new byte[0]);

    Protocol.Frame frame;
    while ((frame = Protocol.read(in)) != null) {
      if (frame.type() != Protocol.CALL) {
        throw new IOException("worker got frame type " + (char) frame.type() + ", expected CALL");
      }
      String name = frame.string();
      byte[] input = frame.rest();
      frame = null; // let the request go before the call allocates
      WorkerFunction f = functions.get(name);
      if (f == null) {
        new Protocol.Builder(Protocol.FAILED).string(IllegalArgumentException.class.getName())
            .string("no worker function named '" + name + "' on the worker's class path").string("")
            .writeTo(out, new byte[0]);
        continue;
      }
      serve(f, input, out);
    }
  }

  private static void serve(WorkerFunction f, byte[] input, DataOutputStream out) throws IOException {
    long start = System.nanoTime();
    byte[] output;
    try {
      output = f.apply(input);
    } catch (OutOfMemoryError oom) {
      output = null; // drop whatever the function still references through us
      new Protocol.Builder(Protocol.RESOURCE)
          .string("heap limit of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB: " + oom)
          .writeTo(out, new byte[0]);
      System.exit(EXIT_RESOURCE);
      return;
    } catch (Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      new Protocol.Builder(Protocol.FAILED).string(t.getClass().getName()).string(t.getMessage())
          .string(trace.toString()).writeTo(out, new byte[0]);
      return;
    }
    long elapsed = System.nanoTime() - start;
    new Protocol.Builder(Protocol.SUCCESS).int64(elapsed).writeTo(out, output == null ? new byte[0] : output);
  }
}
