package dev.kade.model;

import java.util.Locale;
import java.util.Objects;

/**
 * The names every kade model is held to, and the checks that hold it to them at load; the README's
 * "Model contract" section documents the same.
 *
 * <p>Input {@value #INPUT} float32 [N,F] of raw feature values (normalisation lives inside the graph);
 * outputs {@value #OUTPUT_SCORE} float32 [N] and {@value #OUTPUT_FEATURE_ERRORS} float32 [N,F]. The
 * metadata keys below describe the model; {@link ModelMetadata} reads and writes them.
 *
 * <p>A windowed model (metadata {@code kade.window} = W ≥ 2, {@link dev.kade.series.SeriesSpec}) takes
 * {@value #INPUT} float32 [N,W,F] (raw values, oldest step first, the scored record last) and optionally
 * {@value #INPUT_ENTITY_STATS} float32 [N,2,F] (the entity's running mean and scale before the scored record);
 * its outputs are {@value #OUTPUT_SCORE} [N], {@value #OUTPUT_FEATURE_ERRORS} [N,F] (over the window) and the
 * optional {@value #OUTPUT_RECONSTRUCTION} [N,W,F] in raw units.
 *
 * <p>Metadata is only worth what it agrees with: {@link #verify} scores the model and refuses metadata
 * that contradicts what the graph computes (threshold outside the stored scores, a kind the outputs
 * disprove, a probe ONNX Runtime does not reproduce, quantiles the probe falls outside of);
 * {@link #verifyReplacement} refuses a hot-reloaded model that would call the serving model's normal
 * data anomalous; {@link #requireFingerprint} pins the training data.
 */
public final class ModelContract {
    /** Version of this contract, written into every exported model. */
    public static final int CONTRACT_VERSION = 1;

    public static final String INPUT = "features";
    /**
     * Optional second input of a windowed model, float32 [N,2,F]: row i's entity mean ([i,0,:]) and scale
     * ([i,1,:]) per feature, as {@link dev.kade.series.EntityStats#writeMeanScale} writes them before the scored
     * record is added. The model normalises in its graph; a model without this input normalises on its own.
     */
    public static final String INPUT_ENTITY_STATS = "entity_stats";
    public static final String OUTPUT_SCORE = "score";
    public static final String OUTPUT_FEATURE_ERRORS = "feature_errors";
    /**
     * Optional output float32 [N,F]: the model's reconstruction of its input in raw feature units (kade's
     * exports: the AE's output, the VAE's decoder at z = μ, an ensemble's mean over members), de-standardised.
     */
    public static final String OUTPUT_RECONSTRUCTION = "reconstruction";
    /** Optional output float32 [N,L]: the latent code (AE bottleneck, VAE μ; an ensemble's {@link #KEY_LATENT_MEMBER}). */
    public static final String OUTPUT_LATENT = "latent";
    /** Input of the decoder graph {@code MODEL.decoder.onnx}: codes float32 [N,L]; its output is {@value #INPUT} [N,F], raw units. */
    public static final String DECODER_INPUT = "z";
    /** Suffix that names a model's decoder graph: {@code vae.onnx} → {@code vae.decoder.onnx}. */
    public static final String DECODER_SUFFIX = ".decoder.onnx";

    public static final String KEY_CONTRACT_VERSION = "kade.contract_version";
    public static final String KEY_FEATURES = "kade.features";
    public static final String KEY_KIND = "kade.kind";
    public static final String KEY_THRESHOLD = "kade.threshold";
    public static final String KEY_SCORE_QUANTILES = "kade.score_quantiles";
    public static final String KEY_FINGERPRINT = "kade.training_fingerprint";
    public static final String KEY_CREATED_AT = "kade.created_at";
    public static final String KEY_MODEL_VERSION = "kade.model_version";
    /** Optional, for {@link ModelKind#RECONSTRUCTION} models: per-feature scale (e.g. training std) to divide errors by. */
    public static final String KEY_FEATURE_SCALES = "kade.feature_scales";
    /** {@code decoder} in a decoder graph ({@value #DECODER_SUFFIX}), which is not a scoring model. */
    public static final String KEY_GRAPH = "kade.graph";
    /**
     * In a decoder graph: JSON array of the per-feature standard deviation of p(x|z) in raw units (the VAE's
     * decoder is N(x̂, I) in standardised space, so this is the standardiser's scale); {@code kade sample} adds
     * that noise to the decoded mean.
     */
    public static final String KEY_DECODER_SIGMA = "kade.decoder_sigma";
    /** Informational: width L of the {@value #OUTPUT_LATENT} output (also in the output's shape). */
    public static final String KEY_LATENT_DIM = "kade.latent_dim";
    /** Informational: which ensemble member's code {@value #OUTPUT_LATENT} is (index, 0-based). */
    public static final String KEY_LATENT_MEMBER = "kade.latent_member";
    /** Optional {@link ModelProbe}: calibration rows at evenly spaced score ranks, with their scores. */
    public static final String KEY_PROBE = "kade.probe";
    /**
     * Optional: per-feature training histograms, {@code {"edges":[[...],...],"shares":[[...],...]}} in feature order
     * ({@link ReferenceBins}); the reference of per-feature drift. Absent from models made before it.
     */
    public static final String KEY_FEATURE_BINS = "kade.feature_bins";

    /** A probe score reproduces when ONNX Runtime is within this absolute error of the stored one ... */
    public static final double SCORE_ABSOLUTE_TOLERANCE = 1e-4;
    /** ... plus this share of the stored score (float32 graph against the maker's computation). */
    public static final double SCORE_RELATIVE_TOLERANCE = 1e-3;
    /**
     * Lowest rank a threshold may have among the stored scores: below the median the model would alert on
     * most normal records.
     */
    public static final double MIN_THRESHOLD_PROBABILITY = 0.5;
    /** Share of the serving model's probe rows a replacement may call anomalous; more means other data. */
    public static final double MAX_REPLACEMENT_ANOMALY_SHARE = 0.5;

    /** Suffix of the sidecar JSON file that carries metadata for a foreign model: {@code model.onnx.kade.json}. */
    public static final String SIDECAR_SUFFIX = ".kade.json";

    private ModelContract() {
    }

    /** What {@link #verify} could check. */
    public enum Verification {
        /** The model carries a probe and every check passed: metadata and graph agree. */
        VERIFIED,
        /**
         * The model carries no probe (made before probes, or a foreign model calibrated by an older kade):
         * threshold range and kind were checked on synthetic rows, the quantiles and scores could not be.
         */
        NO_PROBE
    }

    /**
     * Scores the model's probe (or, without one, a zero row and a row of ones) and refuses metadata the
     * graph contradicts.
     *
     * <ul>
     *   <li>the threshold lies within the stored score range and at or above the stored median;</li>
     *   <li>every score is finite and every feature_errors row has one value per feature;</li>
     *   <li>the kind agrees with the outputs: an AE's score is the mean of its feature errors, a VAE's is
     *       at least their sum (reconstruction term plus a non-negative KL term);</li>
     *   <li>with a probe: the model reproduces every probe score within tolerance, and each probe score
     *       lies between the stored quantiles that bracket its rank.</li>
     * </ul>
     *
     * @throws InvalidModelException naming the first check that fails
     */
    public static Verification verify(Scorer model) {
        Objects.requireNonNull(model, "model");
        ModelMetadata meta = model.metadata();
        checkThreshold(meta);
        if (meta.window() > 1) {
            return WindowedContract.verify(model);
        }
        float[][] rows = meta.probe().map(ModelProbe::rows).orElseGet(() -> syntheticRows(meta.features().size()));
        Scores scores = scoreProbe(model, rows);
        checkKind(meta.kind(), scores);
        checkOptionalOutputs(model, rows, scores);
        if (meta.probe().isEmpty()) {
            return Verification.NO_PROBE;
        }
        ModelProbe probe = meta.probe().get();
        checkReproduced(probe, scores.score());
        checkQuantiles(probe, scores.score(), meta.distribution());
        return Verification.VERIFIED;
    }

    /**
     * Refuses a candidate that may not replace the serving model: other input features, or a model that
     * calls most of the serving model's probe rows (normal records of the data served now) anomalous,
     * which is what a model trained on other data, relabelled with matching feature names, does.
     *
     * <p>Without a probe in the serving model only the features are compared.
     *
     * @throws InvalidModelException saying why
     */
    public static void verifyReplacement(ModelMetadata serving, Scorer candidate) {
        Objects.requireNonNull(serving, "serving");
        Objects.requireNonNull(candidate, "candidate");
        ModelMetadata fresh = candidate.metadata();
        if (!fresh.features().equals(serving.features())) {
            throw new InvalidModelException("its features " + fresh.features() + " do not match the input features "
                    + serving.features() + " of the serving model");
        }
        if (!fresh.series().equals(serving.series())) {
            throw new InvalidModelException("its window and normalisation " + describeSeries(fresh) + " differ from the "
                    + "serving model's " + describeSeries(serving) + ": the entities' kept windows and statistics would "
                    + "not fit it; deploy it with a restart and fresh state");
        }
        if (serving.probe().isEmpty()) {
            return;
        }
        ModelProbe probe = serving.probe().get();
        float[] s = serving.window() > 1 ? WindowedContract.scoreProbe(candidate, probe.rows()) : scoreProbe(candidate, probe.rows()).score();
        int anomalous = 0;
        for (float v : s) {
            if (v >= fresh.threshold()) {
                anomalous++;
            }
        }
        if (anomalous > MAX_REPLACEMENT_ANOMALY_SHARE * s.length) {
            throw new InvalidModelException(String.format(Locale.ROOT,
                    "it calls %d of the serving model's %d probe rows (normal records of the data served now) "
                            + "anomalous, more than %.0f%%: it looks trained on other data (training fingerprint %s, "
                            + "the serving model's %s)", anomalous, s.length, 100 * MAX_REPLACEMENT_ANOMALY_SHARE,
                    fresh.fingerprint(), serving.fingerprint()));
        }
    }

    private static String describeSeries(ModelMetadata m) {
        return m.series().map(x -> x.toMetadata().toString()).orElse("(per-record)");
    }

    /**
     * Refuses a model whose training-data fingerprint ({@value #KEY_FINGERPRINT}) is not the pinned one.
     *
     * @param setting the setting that pins it, named in the message
     */
    public static void requireFingerprint(ModelMetadata meta, String expected, String setting) {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(expected, "expected");
        if (!expected.equals(meta.fingerprint())) {
            throw new InvalidModelException("its training-data fingerprint " + KEY_FINGERPRINT + "=" + meta.fingerprint()
                    + " is not the one " + setting + " pins (" + expected + ")");
        }
    }

    /** Tolerance for a score that should reproduce {@code expected}. */
    static double tolerance(double expected) {
        return SCORE_ABSOLUTE_TOLERANCE + SCORE_RELATIVE_TOLERANCE * Math.abs(expected);
    }

    private static void checkThreshold(ModelMetadata meta) {
        double[] v = meta.distribution().values();
        double t = meta.threshold();
        double lo = v[0];
        double hi = v[v.length - 1];
        if (t < lo || t > hi) {
            throw new InvalidModelException(String.format(Locale.ROOT, "%s=%s lies outside the stored score range "
                    + "[%s, %s] of %s: it would alert on %s", KEY_THRESHOLD, t, lo, hi, KEY_SCORE_QUANTILES,
                    t < lo ? "every record" : "no record the model was calibrated on"));
        }
        double percentile = meta.distribution().percentile(t);
        if (percentile < 100 * MIN_THRESHOLD_PROBABILITY) {
            throw new InvalidModelException(String.format(Locale.ROOT, "%s=%s is at percentile %.1f of the stored "
                    + "scores, below the median: it would alert on most normal records", KEY_THRESHOLD, t, percentile));
        }
    }

    private static float[][] syntheticRows(int width) {
        float[][] rows = new float[2][width];
        java.util.Arrays.fill(rows[1], 1f);
        return rows;
    }

    private static Scores scoreProbe(Scorer model, float[][] rows) {
        Scores s;
        try {
            s = model.score(rows);
        } catch (RuntimeException e) {
            throw new InvalidModelException("model failed to score its probe batch: " + e.getMessage(), e);
        }
        int width = model.metadata().features().size();
        if (s.size() != rows.length) {
            throw new InvalidModelException("model gave " + s.size() + " scores for a probe batch of " + rows.length);
        }
        for (int i = 0; i < s.size(); i++) {
            if (!Float.isFinite(s.score()[i]) || s.featureErrors()[i].length != width) {
                throw new InvalidModelException("model gave a non-finite score or wrong feature_errors width on its probe batch");
            }
        }
        return s;
    }

    static void checkKind(ModelKind kind, Scores s) {
        for (int i = 0; i < s.size(); i++) {
            double score = s.score()[i];
            double sum = 0;
            for (float e : s.featureErrors()[i]) {
                sum += e;
            }
            double mean = sum / s.featureErrors()[i].length;
            double tol = tolerance(score);
            if (kind == ModelKind.AE && Math.abs(score - mean) > tol) {
                throw new InvalidModelException(String.format(Locale.ROOT, "%s=ae but the graph's score %.6g is not the "
                        + "mean of its feature errors (%.6g) on probe row %d: the graph is not an AE", KEY_KIND, score, mean, i));
            }
            if (kind == ModelKind.VAE && score < sum - tol) {
                throw new InvalidModelException(String.format(Locale.ROOT, "%s=vae but the graph's score %.6g is below the "
                        + "sum of its feature errors (%.6g) on probe row %d; a VAE's score (reconstruction plus KL) "
                        + "never is: the graph is not a VAE", KEY_KIND, score, sum, i));
            }
        }
    }

    /**
     * The optional outputs, when the model has them: one finite value per feature ({@value #OUTPUT_RECONSTRUCTION})
     * or per code dimension ({@value #OUTPUT_LATENT}) on every probe row; and, for an AE or a VAE, a
     * reconstruction the feature errors agree with. Their errors are {@code c·((x_j − r_j)/scale_j)²} with
     * c = 1 (AE) or ½ (VAE); the scale is inside the graph, not in the metadata, but it is one number per
     * feature, so {@code (x_j − r_j)² / e_j} must be the same on every probe row. A reconstruction output
     * that is not the one the errors were computed from (another model's, a shifted or rescaled one)
     * breaks that. An ensemble's errors are scaled per member, so only shape and finiteness are checked.
     */
    static void checkOptionalOutputs(Scorer model, float[][] rows, Scores scores) {
        int width = model.metadata().features().size();
        if (model.latentWidth() > 0) {
            float[][] codes = fetchOptional(model, rows, OUTPUT_LATENT, true);
            checkFiniteRows(codes, rows.length, model.latentWidth(), OUTPUT_LATENT);
        }
        if (!model.hasReconstruction() || model.metadata().kind() == ModelKind.RECONSTRUCTION) {
            return; // a foreign model's score is computed from its reconstruction: consistent by construction
        }
        float[][] recon = fetchOptional(model, rows, OUTPUT_RECONSTRUCTION, false);
        checkFiniteRows(recon, rows.length, width, OUTPUT_RECONSTRUCTION);
        ModelKind kind = model.metadata().kind();
        if (kind != ModelKind.AE && kind != ModelKind.VAE) {
            return;
        }
        for (int j = 0; j < width; j++) {
            // the row with the largest error fixes scale_j² (least rounding); every other row must agree with it
            int ref = 0;
            for (int i = 1; i < rows.length; i++) {
                if (scores.featureErrors()[i][j] > scores.featureErrors()[ref][j]) {
                    ref = i;
                }
            }
            double eRef = scores.featureErrors()[ref][j];
            if (!(eRef > 1e-6)) {
                continue; // a feature reconstructed perfectly on every probe row says nothing about its scale
            }
            double dRef = (double) rows[ref][j] - recon[ref][j];
            double scale2 = dRef * dRef / eRef;
            // float32 rounding of raw values and reconstructions bounds how well a difference is known
            double slackRef = rounding(rows[ref][j], recon[ref][j]);
            double scaleError = 2 * slackRef / Math.abs(dRef);
            if (!(scale2 > 0) || scaleError > 1e-2) {
                continue; // the reconstruction sits within rounding of the raw value: no scale to compare with
            }
            for (int i = 0; i < rows.length; i++) {
                double d = (double) rows[i][j] - recon[i][j];
                double e = scores.featureErrors()[i][j];
                double predicted = d * d / scale2;
                double slack = rounding(rows[i][j], recon[i][j]);
                double tol = e * (1e-2 + scaleError) + (2 * Math.abs(d) * slack + slack * slack) / scale2 + 1e-3 * eRef + 1e-5;
                if (Math.abs(predicted - e) > tol) {
                    throw new InvalidModelException(String.format(Locale.ROOT, "output '%s' does not agree with '%s' on "
                            + "probe row %d, feature %s: the errors imply %.6g from the reconstruction, the graph gives "
                            + "%.6g; the reconstruction is not the one the model scores with", OUTPUT_RECONSTRUCTION,
                            OUTPUT_FEATURE_ERRORS, i, model.metadata().features().get(j), predicted, e));
                }
            }
        }
    }

    /** A bound on the float32 rounding in {@code x − r} (units in the last place of the larger, with room for the graph's own steps). */
    private static double rounding(float x, float r) {
        return 16 * Math.ulp(Math.max(Math.abs(x), Math.abs(r))) + 1e-30;
    }

    private static float[][] fetchOptional(Scorer model, float[][] rows, String output, boolean latent) {
        try {
            return latent ? model.latent(rows) : model.reconstruct(rows);
        } catch (RuntimeException e) {
            throw new InvalidModelException("model failed to compute its optional output '" + output + "' on its probe batch: "
                    + e.getMessage(), e);
        }
    }

    private static void checkFiniteRows(float[][] values, int n, int width, String output) {
        if (values == null || values.length != n) {
            throw new InvalidModelException("optional output '" + output + "' gave " + (values == null ? 0 : values.length)
                    + " rows for a probe batch of " + n);
        }
        for (int i = 0; i < n; i++) {
            if (values[i] == null || values[i].length != width) {
                throw new InvalidModelException("optional output '" + output + "' gave a row of the wrong width on probe row "
                        + i + ", expected " + width);
            }
            for (float v : values[i]) {
                if (!Float.isFinite(v)) {
                    throw new InvalidModelException("optional output '" + output + "' is not finite on probe row " + i);
                }
            }
        }
    }

    static void checkReproduced(ModelProbe probe, float[] actual) {
        float[] expected = probe.scores();
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > tolerance(expected[i])) {
                throw new InvalidModelException(String.format(Locale.ROOT, "%s row %d scores %.6g through ONNX Runtime "
                        + "but the metadata says %.6g: the metadata does not belong to this graph", KEY_PROBE, i,
                        actual[i], expected[i]));
            }
        }
    }

    static void checkQuantiles(ModelProbe probe, float[] actual, ScoreDistribution d) {
        double[] p = d.probabilities();
        double[] v = d.values();
        double[] ranks = probe.probabilities();
        for (int i = 0; i < ranks.length; i++) {
            double r = ranks[i];
            if (r < p[0] || r > p[p.length - 1]) {
                continue; // the stored quantiles do not reach this rank
            }
            int j = 0;
            while (j < p.length - 1 && p[j + 1] <= r) {
                j++;
            }
            // p[j] <= r < p[j+1] (or r == p[last]): a rank-r score lies between the quantiles around r
            double lo = v[j];
            double hi = j + 1 < p.length && p[j] < r ? v[j + 1] : v[j];
            double s = actual[i];
            double tol = tolerance(s);
            if (s < lo - tol || s > hi + tol) {
                throw new InvalidModelException(String.format(Locale.ROOT, "%s row %d, at rank %.4f of the calibration "
                        + "scores, scores %.6g, outside the stored quantiles [%.6g, %.6g] around that rank: %s do not "
                        + "describe this model's scores", KEY_PROBE, i, r, s, lo, hi, KEY_SCORE_QUANTILES));
            }
        }
    }
}
