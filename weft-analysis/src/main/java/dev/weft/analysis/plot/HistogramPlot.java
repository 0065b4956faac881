package dev.weft.analysis.plot;

import dev.weft.analysis.hist.Axis;
import dev.weft.analysis.hist.Histogram;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a 1-D histogram as a step outline, with under/overflow noted in the series name. */
public final class HistogramPlot {
  private HistogramPlot() {}

  /** Writes a PNG or SVG, chosen by the file name's extension. */
  public static void write(Histogram h, Path file) throws IOException {
    if (h.y() != null) {
      throw new IllegalArgumentException(h.name() + " is 2-D; only 1-D histograms are plotted");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    XYChart chart = chart(h);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    // XChart appends the extension itself; write under a temporary base name, then rename into place.
    String ext = name.endsWith(".svg") ? ".svg" : ".png";
    if (!name.endsWith(".svg") && !name.endsWith(".png")) {
      throw new IllegalArgumentException(file + ": plots are .png or .svg");
    }
    Path tmpBase = parent.resolve("." + file.getFileName() + ".tmp");
    if (ext.equals(".svg")) {
      VectorGraphicsEncoder.saveVectorGraphic(chart, tmpBase.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } else {
      BitmapEncoder.saveBitmap(chart, tmpBase.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    Files.move(parent.resolve(tmpBase.getFileName() + ext), file, StandardCopyOption.REPLACE_EXISTING);
  }

  static XYChart chart(Histogram h) {
    Axis a = h.x();
    String yTitle = h.isWeighted() ? "sum of weights per bin" : "entries per bin";
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title(h.title().isEmpty() ? h.name() : h.title())
        .xAxisTitle(a.label().isEmpty() ? "x" : a.label()).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 1; i < a.size() - 1; i++) {
      // A step outline: each bin contributes its two edges at its height.
      xs.add(a.lower(i));
      ys.add(h.value(i));
      xs.add(a.upper(i));
      ys.add(h.value(i));
    }
    String series = String.format(Locale.ROOT, "%s  (underflow %s, overflow %s)", h.name(),
        fmt(h.value(0)), fmt(h.value(a.size() - 1)));
    XYSeries s = chart.addSeries(series, xs, ys);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(new Color(0x1f, 0x77, 0xb4));
    return chart;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
  }
}
