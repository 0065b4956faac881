package dev.weft.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.progress.ProgressTask;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressRendererTest {
  private final StringWriter text = new StringWriter();
  private final PrintWriter err = new PrintWriter(text);
  private final AtomicLong now = new AtomicLong();

  private ProgressRenderer renderer(ProgressRenderer.Mode mode) {
    return new ProgressRenderer(mode, err, 120, 1, TimeUnit.HOURS, now::get, false);
  }

  @Test
  void terminalFrameHasABarPerTaskNestedUnderItsParentAndAnOverallBar() {
    ProgressRenderer r = renderer(ProgressRenderer.Mode.TERMINAL);
    ProgressTask image = ProgressTask.start(r, "import image", 4, "layers");
    ProgressTask layer = image.child("layer 1", 2L << 20, "bytes");
    now.set(2_000_000_000L);
    layer.advance(1L << 20);
    image.advance(1);

    List<String> lines = r.lines();
    assertEquals(3, lines.size(), lines.toString());
    assertEquals("import image [######------------------]  25% 1 layers of 4 layers, 0 layers/s, 2 s", lines.get(0));
    assertEquals("  layer 1 [############------------]  50% 1.0 MiB of 2.0 MiB, 512.0 KiB/s, 2 s", lines.get(1));
    assertEquals("overall [######------------------]  25%, 0 of 1 tasks done", lines.get(2));

    layer.finish();
    image.finish();
    ProgressTask next = ProgressTask.start(r, "export", -1, "bytes");
    next.advance(10);
    assertEquals(List.of("export 10 B, 0 s", "overall [############------------]  50%, 1 of 2 tasks done"), r.lines());
  }

  @Test
  void terminalRedrawsInPlaceAndEraseOnClose() {
    ProgressRenderer r = renderer(ProgressRenderer.Mode.TERMINAL);
    ProgressTask t = ProgressTask.start(r, "work", 10, "items");
    r.draw();
    String first = text.toString();
    assertTrue(first.contains("work [") && first.contains("overall ["), first);
    assertFalse(first.contains("\u001b[2F"), "nothing to move over on the first frame");
    t.advance(5);
    r.draw();
    assertTrue(text.toString().substring(first.length()).startsWith("\u001b[?25l\u001b[2F"), "second frame starts over the first");
    r.close();
    assertTrue(text.toString().endsWith("\u001b[2F\u001b[?25h"), "close erases the two lines and shows the cursor");
  }

  @Test
  void messagesThroughTheWriterAreNotDrawnOver() {
    ProgressRenderer r = renderer(ProgressRenderer.Mode.TERMINAL);
    ProgressTask.start(r, "work", 10, "items");
    r.draw();
    int before = text.toString().length();
    r.writer().println("weft: warning: something");
    String after = text.toString().substring(before);
    assertTrue(after.startsWith("\u001b[2F\u001b[2K\n\u001b[2K\n\u001b[2F"), "bars erased first: " + after);
    assertTrue(after.contains("weft: warning: something"));
    int mark = text.toString().length();
    r.draw();
    assertFalse(text.toString().substring(mark).contains("\u001b[2F"), "the next frame starts below the message");
  }

  @Test
  void plainLinesOnlyWhenSomethingChanged() {
    ProgressRenderer r = renderer(ProgressRenderer.Mode.LINES);
    ProgressTask t = ProgressTask.start(r, "work", 10, "items");
    r.draw();
    assertEquals("weft: work   0% 0 items of 10 items, 0 s" + System.lineSeparator(), text.toString());
    r.draw();
    assertEquals(1, text.toString().lines().count(), "no change, no line");
    t.advance(3);
    r.draw();
    assertEquals(2, text.toString().lines().count());
    assertFalse(text.toString().contains("\u001b"), "no escape codes in plain lines");
    t.finish();
    r.draw();
    assertEquals(2, text.toString().lines().count(), "nothing active, nothing printed");
  }

  @Test
  void atMostEightBars() {
    ProgressRenderer r = renderer(ProgressRenderer.Mode.LINES);
    for (int i = 0; i < 11; i++) {
      ProgressTask.start(r, "t" + i, 1, "items");
    }
    List<String> lines = r.lines();
    assertEquals(ProgressRenderer.MAX_BARS + 1, lines.size());
    assertEquals("  … and 3 more", lines.getLast());
  }

  @Test
  void drawingThreadRefreshesAndStopsOnClose() throws Exception {
    java.util.Set<Thread> before = drawingThreads();
    ProgressRenderer r = new ProgressRenderer(ProgressRenderer.Mode.LINES, err, 120, 20, TimeUnit.MILLISECONDS,
        System::nanoTime, true);
    // This renderer's own thread, not any "weft-progress" thread: another test's renderer may still be ending.
    java.util.Set<Thread> mine = drawingThreads();
    mine.removeAll(before);
    assertEquals(1, mine.size(), "one drawing thread started: " + mine);
    ProgressTask t = ProgressTask.start(r, "background", 100, "items");
    t.advance(1);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!text.toString().contains("background") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(text.toString().contains("background"));
    r.close();
    // close() interrupts the thread and joins it for at most a second, which a loaded machine may exceed
    // before the thread even runs; a thread that ignored the interrupt would draw on for ever and fail here.
    deadline = System.nanoTime() + 30_000_000_000L;
    while (mine.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(mine.stream().noneMatch(Thread::isAlive), "the drawing thread ended");
  }

  private static java.util.Set<Thread> drawingThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().equals("weft-progress"))
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void amounts() {
    assertEquals("1,234 events", ProgressRenderer.amount(1234, "events"));
    assertEquals("1023 B", ProgressRenderer.amount(1023, "bytes"));
    assertEquals("1.5 GiB", ProgressRenderer.amount(3L << 29, "bytes"));
    assertEquals("[##--]", ProgressRenderer.bar(0.5, 4));
  }
}
