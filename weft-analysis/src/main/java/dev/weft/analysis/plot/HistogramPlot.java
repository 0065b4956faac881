package dev.weft.analysis.plot;

import dev.weft.analysis.hist.Axis;
import dev.weft.analysis.hist.Histogram;
import dev.weft.runtime.io.OutputPaths;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws histograms with XChart: a 1-D histogram as a step outline with under/overflow noted in the series
 * name; a 2-D histogram as a heat map (one cell per in-range bin, empty bins left white) with axis titles
 * and units, a colour bar, and the entries outside the axis ranges noted in the title.
 */
public final class HistogramPlot {
  private HistogramPlot() {}

  /** Writes a PNG or SVG, chosen by the file name's extension. */
  public static void write(Histogram h, Path file) throws IOException {
    OutputPaths.requireReplaceable(file);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    org.knowm.xchart.internal.chartpart.Chart<?, ?> chart = h.y() == null ? chart(h) : heatMap(h);
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

  /** The largest 2-D histogram drawn cell by cell (XChart draws every cell and tick as a shape). */
  public static final int MAX_HEAT_MAP_CELLS = 1 << 20;

  static HeatMapChart heatMap(Histogram h) {
    Axis ax = h.x();
    Axis ay = h.y();
    int nx = ax.size() - 2;
    int ny = ay.size() - 2;
    if ((long) nx * ny > MAX_HEAT_MAP_CELLS) {
      throw new IllegalArgumentException(h.name() + " has " + (long) nx * ny + " bins; heat maps are drawn up to "
          + MAX_HEAT_MAP_CELLS);
    }
    // Entries in any flow bin (under/overflow of x or of y, corners included) are outside the drawn area.
    double outside = 0;
    double max = 0;
    double min = 0; // below 0 only for weighted storage with negative weights
    List<Number[]> cells = new ArrayList<>();
    for (int iy = 0; iy < ay.size(); iy++) {
      for (int ix = 0; ix < ax.size(); ix++) {
        double v = h.value(ix + iy * ax.size());
        if (ax.isFlow(ix) || ay.isFlow(iy)) {
          outside += v;
        } else if (v != 0) {
          cells.add(new Number[] {ix - 1, iy - 1, v});
          max = Math.max(max, v);
          min = Math.min(min, v);
        }
      }
    }
    String what = h.isWeighted() ? "sum of weights" : "entries";
    String title = String.format(Locale.ROOT, "%s  (colour: %s per bin; outside the axis ranges: %s)",
        h.title().isEmpty() ? h.name() : h.title(), what, fmt(outside));
    HeatMapChart chart = new HeatMapChartBuilder().width(800).height(600).title(title)
        .xAxisTitle(ax.label().isEmpty() ? "x" : ax.label())
        .yAxisTitle(ay.label().isEmpty() ? "y" : ay.label()).build();
    HeatMapStyler st = chart.getStyler();
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setShowValue(false);
    st.setDrawBorder(false);
    // A continuous colour bar (not piecewise bands) from 0 (or the most negative bin) to the fullest bin,
    // in the legend on the right.
    st.setPiecewise(false);
    st.setMin(min);
    st.setMax(max > min ? max : min + 1);
    st.setRangeColors(new Color[] {new Color(0x44, 0x01, 0x54), new Color(0x21, 0x91, 0x8c), new Color(0xfd, 0xe7, 0x25)});
    st.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    st.setXAxisLabelRotation(90);
    st.setXAxisMaxLabelCount(Math.min(nx, 20));
    st.setXAxisDecimalPattern("0.###");
    st.setYAxisDecimalPattern("0.###");
    // XChart's heat map axes are categorical: one tick per bin, labelled with the bin's centre.
    List<Double> xs = new ArrayList<>();
    for (int i = 1; i <= nx; i++) {
      xs.add(ax.center(i));
    }
    List<Double> ys = new ArrayList<>();
    for (int i = 1; i <= ny; i++) {
      ys.add(ay.center(i));
    }
    chart.addSeries(what + " per bin", xs, ys, cells);
    return chart;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
  }
}
