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
        return chart(title, x, y, WIDTH, HEIGHT);
    }

    static XYChart chart(String title, String x, String y, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(x).yAxisTitle(y).build();
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

    /**
     * A logarithmic y axis whose labels do not overlap: one label per decade when the values span a decade
     * or more (xchart otherwise labels 1..9 of every decade), else labels within the decade.
     */
    static void logYAxis(XYChart c, double min, double max) {
        c.getStyler().setYAxisLogarithmic(true);
        boolean decades = min > 0 && max / min >= 10;
        c.getStyler().setYAxisLogarithmicDecadeOnly(decades);
        c.getStyler().setYAxisDecimalPattern(decades ? "0.#####" : "0.###");
        c.getStyler().setYAxisTickMarkSpacingHint(40);
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

    /** Quantile of the drawn range: scores above it (and above the threshold's margin) share one last bin. */
    static final double CLIP_QUANTILE = 0.99;
    static final int BINS = 50;

    /**
     * The x range a score histogram draws, in axis units (log10 when all scores are positive): from the lowest
     * score to the {@link #CLIP_QUANTILE} quantile of the normal rows (all rows when unlabelled), and at least
     * twice as far as the threshold, so that the threshold sits at most half-way. A few far-off scores (an
     * anomaly at 575 beside normal rows below 5) would otherwise stretch a linear axis so far that every normal
     * row and the threshold share the first bin; those scores are counted in the last bin, and
     * {@link Range#clipped} says how many.
     */
    record Range(double lo, double hi, int clipped, double clipAt) {
    }

    static Range range(double[] axisValues, double axisThreshold, int[] labels) {
        double[] sorted = axisValues.clone();
        java.util.Arrays.sort(sorted);
        double lo = Math.min(sorted[0], axisThreshold);
        double max = Math.max(sorted[sorted.length - 1], axisThreshold);
        double[] normal = labels == null ? sorted : java.util.stream.IntStream.range(0, axisValues.length)
                .filter(i -> labels[i] == 0).mapToDouble(i -> axisValues[i]).sorted().toArray();
        double q = dev.kade.model.ScoreDistribution.quantile(normal.length == 0 ? sorted : normal, CLIP_QUANTILE);
        double hi = Math.max(q, lo + 2 * (axisThreshold - lo));
        if (hi >= max) {
            return new Range(lo, lo + Math.max(max - lo, 1e-9) * (1 + 0.5 / BINS), 0, max);
        }
        int clipped = 0;
        for (double v : sorted) {
            clipped += v > hi ? 1 : 0;
        }
        return new Range(lo, hi, clipped, hi);
    }

    /**
     * Histogram of scores (log10 when all are positive) as steps; split by label when labels are given; a
     * vertical threshold line. Scores beyond the drawn range are counted in the last bin and named in the
     * chart's title; returns how many.
     */
    static int histogram(XYChart c, String name, double[] scores, double threshold, int[] labels) {
        boolean log = logAxis(scores, threshold);
        java.util.function.DoubleUnaryOperator axis = log ? v -> Math.log10(Math.max(v, 1e-6)) : v -> v;
        double[] values = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            values[i] = axis.applyAsDouble(scores[i]);
        }
        double t = axis.applyAsDouble(threshold);
        Range r = range(values, t, labels);
        double width = (r.hi() - r.lo()) / BINS;
        int groups = labels == null ? 1 : 2;
        double[][] counts = new double[groups][BINS];
        for (int i = 0; i < scores.length; i++) {
            int b = (int) Math.max(0, Math.min(BINS - 1, Math.floor((values[i] - r.lo()) / width)));
            counts[labels == null ? 0 : labels[i]][b]++;
        }
        // one point per bin start plus the end of the last bin, so that the last bin (which holds what lies
        // beyond the drawn range) is drawn as wide as the others
        double[] x = new double[BINS + 1];
        for (int b = 0; b <= BINS; b++) {
            x[b] = r.lo() + b * width;
        }
        double max = 1;
        for (int g = 0; g < groups; g++) {
            double[] y = java.util.Arrays.copyOf(counts[g], BINS + 1);
            y[BINS] = counts[g][BINS - 1];
            XYSeries s = c.addSeries(g == 0 ? name : "anomaly (1)", x, y);
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
        if (r.clipped() > 0) {
            double at = log ? Math.pow(10, r.clipAt()) : r.clipAt();
            c.setTitle(String.format(Locale.ROOT, "%s (%d above %.4g in the last bin)", c.getTitle(), r.clipped(), at));
        }
        return r.clipped();
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
