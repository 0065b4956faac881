package dev.weft.runtime.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Worker functions the worker tests call by name; registered in the test class path's services file. */
public final class TestFunctions {
  private TestFunctions() {}

  /** Returns its input reversed. */
  public static final class Reverse implements WorkerFunction {
    @Override
    public String name() {
      return "test.reverse";
    }

    @Override
    public byte[] apply(byte[] input) {
      byte[] out = new byte[input.length];
      for (int i = 0; i < input.length; i++) {
        out[i] = input[input.length - 1 - i];
      }
      return out;
    }
  }

  /** Throws with the input as the message. */
  public static final class Fail implements WorkerFunction {
    @Override
    public String name() {
      return "test.fail";
    }

    @Override
    public byte[] apply(byte[] input) {
      throw new IllegalStateException(new String(input, StandardCharsets.UTF_8));
    }
  }

  /** Sleeps for the number of milliseconds in its input, then returns it. */
  public static final class Sleep implements WorkerFunction {
    @Override
    public String name() {
      return "test.sleep";
    }

    @Override
    public byte[] apply(byte[] input) throws Exception {
      Thread.sleep(Long.parseLong(new String(input, StandardCharsets.UTF_8)));
      return input;
    }
  }

  /** Starts {@code sleep 30}, writes its pid to the file named by the input, then hangs. */
  public static final class SpawnAndHang implements WorkerFunction {
    @Override
    public String name() {
      return "test.spawn-and-hang";
    }

    @Override
    public byte[] apply(byte[] input) throws Exception {
      Process child = new ProcessBuilder("sleep", "30").start();
      Path pidFile = Path.of(new String(input, StandardCharsets.UTF_8));
      Files.writeString(pidFile.resolveSibling(pidFile.getFileName() + ".tmp"), Long.toString(child.pid()));
      Files.move(pidFile.resolveSibling(pidFile.getFileName() + ".tmp"), pidFile);
      Thread.sleep(60_000);
      return new byte[0];
    }
  }

  /** Halts the worker JVM with exit code 42, after a line on stderr. */
  public static final class Crash implements WorkerFunction {
    @Override
    public String name() {
      return "test.crash";
    }

    @Override
    public byte[] apply(byte[] input) {
      System.err.println("about to crash on purpose");
      System.err.flush();
      Runtime.getRuntime().halt(42);
      return input;
    }
  }

  /** Allocates until the heap runs out. */
  public static final class Hog implements WorkerFunction {
    @Override
    public String name() {
      return "test.hog";
    }

    @Override
    public byte[] apply(byte[] input) {
      List<long[]> hoard = new ArrayList<>();
      while (true) {
        hoard.add(new long[1 << 20]);
      }
    }
  }

  /** Returns the worker's pid, so tests can tell workers apart. */
  public static final class Pid implements WorkerFunction {
    @Override
    public String name() {
      return "test.pid";
    }

    @Override
    public byte[] apply(byte[] input) {
      return Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
    }
  }
}
