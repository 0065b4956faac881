package dev.weft.cli.progress;

import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A progress listener that draws on stderr. Listener calls only record the task (they come from pool
 * threads and must stay cheap); a daemon thread of its own draws a frame every {@code period}:
 *
 * <ul>
 *   <li>{@link Mode#TERMINAL}: one bar per active task (nested tasks indented under their parent) plus an
 *       overall bar, redrawn in place with ANSI cursor movement, erased on {@link #close()};
 *   <li>{@link Mode#LINES}: plain lines for logs and pipes, one per active task, only when something
 *       changed since the last report.
 * </ul>
 */
public final class ProgressRenderer implements ProgressListener, AutoCloseable {
  /** How the renderer draws. */
  public enum Mode { TERMINAL, LINES }

  /** At most this many task bars; the rest are summarised in one line. */
  static final int MAX_BARS = 8;

  private static final String ESC = "\u001b[";

  private final Mode mode;
  private final PrintWriter err;
  private final int width;
  private final LongSupplier clock;
  /** Active tasks by id, so bars keep a stable order (ids grow with start time). */
  private final Map<Integer, Tracked> active = new ConcurrentSkipListMap<>();
  private final AtomicInteger topStarted = new AtomicInteger();
  private final AtomicInteger topEnded = new AtomicInteger();
  private final AtomicLong changes = new AtomicLong();
  private final Object drawLock = new Object();
  private int drawnLines; // guarded by drawLock
  private long reportedChanges = -1; // guarded by drawLock
  private final Thread drawer;
  private volatile boolean closed;

  private record Tracked(ProgressTask task, long startNanos) {}

  /**
   * @param width the terminal's columns (lines are cut to fit)
   * @param period how often to draw; ~100 ms on a terminal, ~2 s for plain lines
   */
  ProgressRenderer(Mode mode, PrintWriter err, int width, long period, TimeUnit unit, LongSupplier clock, boolean start) {
    this.mode = mode;
    this.err = err;
    this.width = Math.max(40, width);
    this.clock = clock;
    long periodNanos = unit.toNanos(period);
    this.drawer = Thread.ofPlatform().daemon().name("weft-progress").unstarted(() -> drawLoop(periodNanos));
    if (start) {
      drawer.start();
    }
  }

  /** Bars on a terminal, redrawn ten times a second. */
  public static ProgressRenderer terminal(PrintWriter err, int width) {
    return new ProgressRenderer(Mode.TERMINAL, err, width, 100, TimeUnit.MILLISECONDS, System::nanoTime, true);
  }

  /** Plain lines every two seconds, for logs and pipes. */
  public static ProgressRenderer lines(PrintWriter err) {
    return new ProgressRenderer(Mode.LINES, err, 200, 2, TimeUnit.SECONDS, System::nanoTime, true);
  }

  /** The terminal width from {@code $COLUMNS}, else 100. */
  public static int terminalWidth() {
    try {
      String cols = System.getenv("COLUMNS");
      return cols != null ? Integer.parseInt(cols.trim()) : 100;
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  @Override
  public void started(ProgressTask task) {
    active.put(task.id(), new Tracked(task, clock.getAsLong()));
    if (task.parent() == null) {
      topStarted.incrementAndGet();
    }
    changes.incrementAndGet();
  }

  @Override
  public void advanced(ProgressTask task, long delta) {
    changes.incrementAndGet();
  }

  @Override
  public void finished(ProgressTask task) {
    ended(task);
  }

  @Override
  public void failed(ProgressTask task, Throwable cause) {
    ended(task);
  }

  private void ended(ProgressTask task) {
    if (active.remove(task.id()) != null && task.parent() == null) {
      topEnded.incrementAndGet();
    }
    changes.incrementAndGet();
  }

  private void drawLoop(long periodNanos) {
    while (!closed) {
      try {
        TimeUnit.NANOSECONDS.sleep(periodNanos);
      } catch (InterruptedException e) {
        return; // close() interrupts us
      }
      if (!closed) {
        draw();
      }
    }
  }

  /** Draws one frame now (the drawing thread calls this; tests call it directly). */
  void draw() {
    synchronized (drawLock) {
      long seen = changes.get();
      if (mode == Mode.LINES) {
        if (seen != reportedChanges && !active.isEmpty()) {
          for (String line : lines()) {
            err.println("weft: " + line);
          }
          err.flush();
        }
        reportedChanges = seen;
        return;
      }
      List<String> lines = lines();
      StringBuilder frame = new StringBuilder();
      frame.append(ESC).append("?25l"); // hide the cursor while drawing
      if (drawnLines > 0) {
        frame.append(ESC).append(drawnLines).append('F'); // to the start of the first line drawn last time
      }
      for (String line : lines) {
        frame.append(ESC).append("2K").append(cut(line)).append('\n');
      }
      // The frame may have shrunk: clear what is left of the previous one.
      for (int i = lines.size(); i < drawnLines; i++) {
        frame.append(ESC).append("2K\n");
      }
      int extra = Math.max(0, drawnLines - lines.size());
      if (extra > 0) {
        frame.append(ESC).append(extra).append('F');
      }
      frame.append(ESC).append("?25h");
      drawnLines = lines.size();
      err.print(frame);
      err.flush();
    }
  }

  /** The text of one frame: a line per active task (at most {@link #MAX_BARS}), then the overall line. */
  List<String> lines() {
    List<Tracked> tasks = new ArrayList<>(active.values());
    List<String> out = new ArrayList<>();
    long now = clock.getAsLong();
    int shown = 0;
    for (Tracked t : tasks) {
      if (shown == MAX_BARS) {
        out.add("  … and " + (tasks.size() - MAX_BARS) + " more");
        break;
      }
      out.add(taskLine(t, now));
      shown++;
    }
    if (mode == Mode.TERMINAL && !tasks.isEmpty()) {
      out.add(overallLine(tasks));
    }
    return out;
  }

  private String taskLine(Tracked t, long now) {
    ProgressTask task = t.task();
    String indent = "  ".repeat(depth(task));
    long done = task.done();
    long total = task.total();
    double seconds = (now - t.startNanos()) / 1e9;
    StringBuilder s = new StringBuilder(indent).append(task.name()).append(' ');
    if (total > 0) {
      double fraction = Math.min(1.0, (double) done / total);
      if (mode == Mode.TERMINAL) {
        s.append(bar(fraction, 24)).append(' ');
      }
      s.append(String.format("%3d%% ", Math.round(fraction * 100)));
      s.append(amount(done, task.unit())).append(" of ").append(amount(total, task.unit()));
    } else {
      s.append(amount(done, task.unit()));
    }
    if (seconds >= 0.5 && done > 0) {
      s.append(", ").append(amount((long) (done / seconds), task.unit())).append("/s");
    }
    s.append(String.format(", %.0f s", seconds));
    return s.toString();
  }

  /**
   * Top-level tasks only (children are part of their parent's work): each finished one counts whole, each
   * active one by its fraction done (0 while its total is unknown), so the bar never runs backwards as
   * long as no new task starts.
   */
  private String overallLine(List<Tracked> tasks) {
    int started = topStarted.get();
    int ended = topEnded.get();
    double sum = ended;
    for (Tracked t : tasks) {
      ProgressTask task = t.task();
      if (task.parent() == null && task.total() > 0) {
        sum += Math.min(1.0, (double) task.done() / task.total());
      }
    }
    double overall = started == 0 ? 0 : sum / started;
    return "overall " + bar(overall, 24)
        + String.format(" %3d%%, %d of %d tasks done", Math.round(overall * 100), ended, started);
  }

  private static int depth(ProgressTask task) {
    int d = 0;
    for (ProgressTask p = task.parent(); p != null; p = p.parent()) {
      d++;
    }
    return d;
  }

  static String bar(double fraction, int cells) {
    int full = (int) Math.round(Math.max(0, Math.min(1, fraction)) * cells);
    return "[" + "#".repeat(full) + "-".repeat(cells - full) + "]";
  }

  /** A count in its unit; bytes in binary multiples. */
  static String amount(long n, String unit) {
    if ("bytes".equals(unit)) {
      String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
      double v = n;
      int i = 0;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return i == 0 ? n + " B" : String.format("%.1f %s", v, units[i]);
    }
    return String.format("%,d %s", n, unit);
  }

  private String cut(String line) {
    return line.length() < width ? line : line.substring(0, width - 2) + "…";
  }

  /**
   * A writer for other messages on the same stderr: on a terminal it erases the bars before each write,
   * so the message is not drawn over; the next frame redraws them below it. Elsewhere it writes through.
   */
  public PrintWriter writer() {
    return above;
  }

  private final PrintWriter above = new PrintWriter(new java.io.Writer() {
    @Override
    public void write(char[] buf, int off, int len) {
      synchronized (drawLock) {
        eraseLocked();
        err.write(buf, off, len);
      }
    }

    @Override
    public void flush() {
      err.flush();
    }

    @Override
    public void close() {
      flush(); // stderr belongs to the command line, not to us
    }
  }, true);

  /** Erases the frame drawn last (terminal mode); the caller holds drawLock. */
  private void eraseLocked() {
    if (mode == Mode.TERMINAL && drawnLines > 0) {
      StringBuilder erase = new StringBuilder().append(ESC).append(drawnLines).append('F');
      for (int i = 0; i < drawnLines; i++) {
        erase.append(ESC).append("2K\n");
      }
      erase.append(ESC).append(drawnLines).append('F').append(ESC).append("?25h");
      err.print(erase);
      drawnLines = 0;
    }
  }

  /** Stops the drawing thread and, on a terminal, erases the bars. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    drawer.interrupt();
    try {
      drawer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (drawLock) {
      eraseLocked();
      err.flush();
    }
  }
}
