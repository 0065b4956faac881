package dev.weft.cli.progress;

import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * The plain-lines renderer, drawing a frame after every advance instead of every 2 s, so that a command
 * on a small test image (done in milliseconds) still shows the lines it would print on a long run.
 */
public final class EagerLines {
  private EagerLines() {}

  public static ProgressListener to(PrintWriter err) {
    ProgressRenderer r = new ProgressRenderer(ProgressRenderer.Mode.LINES, err, 200, 1, TimeUnit.HOURS,
        System::nanoTime, false);
    return new ProgressListener() {
      @Override
      public void started(ProgressTask task) {
        r.started(task);
      }

      @Override
      public void advanced(ProgressTask task, long delta) {
        r.advanced(task, delta);
        r.draw();
      }

      @Override
      public void finished(ProgressTask task) {
        r.finished(task);
      }

      @Override
      public void failed(ProgressTask task, Throwable cause) {
        r.failed(task, cause);
      }
    };
  }
}
