package dev.weft.cli.analysis;

import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.HistogramCodec;
import dev.weft.analysis.plot.HistogramPlot;
import dev.weft.cli.CliContext;
import dev.weft.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft analyze plot}: draws a saved histogram. */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = "Draw a saved histogram (a .hist.json, e.g. written by 'weft analyze adl') as PNG or SVG: "
        + "1-D as a step outline, 2-D as a heat map with a colour bar.")
public final class PlotCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "HIST", description = "The histogram file (.hist.json).")
  Path hist;

  @Option(names = "--out", paramLabel = "FILE", description = "Output .png or .svg (default: HIST with .png).")
  Path out;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    if (!Files.isRegularFile(hist)) {
      throw new UsageException(hist + ": no such file");
    }
    Path target = out;
    if (target == null) {
      String name = hist.getFileName().toString().replaceFirst("(\\.hist)?\\.json$", "");
      target = hist.resolveSibling(name + ".png");
    }
    String lower = target.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!lower.endsWith(".png") && !lower.endsWith(".svg")) {
      throw new UsageException("--out must end in .png or .svg, got " + target);
    }
    Histogram h = HistogramCodec.read(hist);
    if (h.y() != null && (long) (h.x().size() - 2) * (h.y().size() - 2) > HistogramPlot.MAX_HEAT_MAP_CELLS) {
      throw new UsageException(hist + ": " + (long) (h.x().size() - 2) * (h.y().size() - 2)
          + " bins is too many to draw as a heat map (at most " + HistogramPlot.MAX_HEAT_MAP_CELLS + ")");
    }
    HistogramPlot.write(h, target);
    if (ctx.json()) {
      ctx.printJson(Map.of("histogram", hist.toString(), "plot", target.toString()));
    } else {
      ctx.out().println("wrote " + target);
    }
    return 0;
  }
}
