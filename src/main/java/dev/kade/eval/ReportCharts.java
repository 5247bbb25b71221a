package dev.kade.eval;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of {@link Report} (xchart, rendered headless to PNG): loss and ROC/PR curves, score histograms
 * with the threshold, operating points, all in one size and one threshold colour.
 */
final class ReportCharts {
    static final int WIDTH = 720;
    static final int HEIGHT = 420;
    static final Color THRESHOLD = new Color(200, 30, 30);

    private ReportCharts() {
    }

    static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(4);
        return c;
    }

    /** Axes of rates and shares: 0 to 1 with two decimals, not the raw doubles of the data points. */
    static void unitAxes(XYChart c) {
        c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        c.getStyler().setXAxisDecimalPattern("0.0#").setYAxisDecimalPattern("0.0#");
        c.getStyler().setYAxisTickMarkSpacingHint(60).setXAxisTickMarkSpacingHint(80); // 0.1 steps, not 0.043 ones
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    }

    /** Where the model's own threshold puts it on the curve: one marked point, named with its coordinates. */
    static void operatingPoint(XYChart c, double threshold, double x, double y) {
        XYSeries p = c.addSeries(String.format(Locale.ROOT, "threshold %.4g (%.2f, %.2f)", threshold, x, y),
                new double[] {x}, new double[] {y});
        p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        p.setMarker(SeriesMarkers.DIAMOND);
        p.setMarkerColor(THRESHOLD);
    }

    static void line(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }

    static void curve(XYChart c, String name, List<Metrics.Point> points) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i).x();
            y[i] = points.get(i).y();
        }
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
    }

    /** "log10(score)" when every score is positive, else "score" (an ensemble's z-scaled score can be negative). */
    static String scoreAxis(double[] scores, double threshold) {
        return logAxis(scores, threshold) ? "log10(score)" : "score";
    }

    static boolean logAxis(double[] scores, double threshold) {
        if (!(threshold > 0)) {
            return false;
        }
        for (double s : scores) {
            if (!(s > 0)) {
                return false;
            }
        }
        return true;
    }

    /** Histogram of scores (log10 when all are positive) as steps; split by label when labels are given; a vertical threshold line. */
    static void histogram(XYChart c, String name, double[] scores, double threshold, int[] labels) {
        int bins = 50;
        boolean log = logAxis(scores, threshold);
        java.util.function.DoubleUnaryOperator axis = log ? v -> Math.log10(Math.max(v, 1e-6)) : v -> v;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            double v = axis.applyAsDouble(s);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double t = axis.applyAsDouble(threshold);
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double width = (hi - lo) / bins;
        int groups = labels == null ? 1 : 2;
        double[][] counts = new double[groups][bins];
        for (int i = 0; i < scores.length; i++) {
            int b = (int) Math.min(bins - 1, Math.floor((axis.applyAsDouble(scores[i]) - lo) / width));
            counts[labels == null ? 0 : labels[i]][b]++;
        }
        double[] x = new double[bins];
        for (int b = 0; b < bins; b++) {
            x[b] = lo + b * width;
        }
        double max = 1;
        for (int g = 0; g < groups; g++) {
            XYSeries s = c.addSeries(g == 0 ? name : "anomaly (1)", x, counts[g]);
            s.setMarker(SeriesMarkers.NONE);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
            for (double v : counts[g]) {
                max = Math.max(max, v);
            }
        }
        XYSeries th = c.addSeries(String.format(Locale.ROOT, "threshold %.4g", threshold), new double[] {t, t}, new double[] {0, max});
        th.setMarker(SeriesMarkers.NONE);
        th.setLineColor(THRESHOLD);
        th.setLineWidth(2f);
    }

    static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> c, Path png) {
        try {
            try (java.io.OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png, e);
        }
    }
}
