package dev.kade.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.series.SeriesSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's self-description, stored as ONNX metadata (see {@link ModelContract}) and read back by the
 * scorer at load, so that a model carries everything needed to serve it.
 *
 * @param features      feature names in input column order; a dotted name is a path into nested JSON
 * @param kind          what the model computes
 * @param threshold     score at and above which a record is an anomaly
 * @param distribution  quantiles of training scores, to turn a score into a percentile
 * @param fingerprint   hash of the training data (rows and columns), for provenance
 * @param createdAt     when the model was made
 * @param version       version string named in every alert the model raises
 * @param featureScales optional per-feature divisors for foreign reconstruction models; empty otherwise
 * @param probe         optional sample of the calibration data with its scores, checked at load
 *                      ({@link ModelContract#verify}); models made before probes existed have none. A windowed
 *                      model's probe rows are a window's W·F raw values followed by the F means and F scales
 *                      of its entity ((W+2)·F values; see {@link #probeWidth()})
 * @param series        for a windowed model ({@value SeriesSpec#KEY_WINDOW} ≥ 2): its window, features per step
 *                      (= the number of features) and per-entity normalisation, read from and written to the
 *                      {@code kade.window} and {@code kade.series.*} keys; empty for a per-record model
 * @param featureBins   optional training histogram of each feature's raw values, in feature order
 *                      ({@value ModelContract#KEY_FEATURE_BINS}), the reference of per-feature drift; models made
 *                      before it existed have none and get score drift only
 */
public record ModelMetadata(
        List<String> features,
        ModelKind kind,
        double threshold,
        ScoreDistribution distribution,
        String fingerprint,
        Instant createdAt,
        String version,
        Optional<double[]> featureScales,
        Optional<ModelProbe> probe,
        Optional<SeriesSpec> series,
        Optional<List<ReferenceBins>> featureBins) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelMetadata {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(featureScales, "featureScales");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(featureBins, "featureBins");
        featureBins = featureBins.map(List::copyOf);
        if (featureBins.isPresent() && featureBins.get().size() != features.size()) {
            throw new InvalidModelException(ModelContract.KEY_FEATURE_BINS + " has " + featureBins.get().size()
                    + " histograms for " + features.size() + " features");
        }
        features = List.copyOf(features);
        if (features.isEmpty()) {
            throw new InvalidModelException("model names no features (" + ModelContract.KEY_FEATURES + ")");
        }
        if (new HashSet<>(features).size() != features.size()) {
            throw new InvalidModelException("model names a feature twice: " + features);
        }
        for (String f : features) {
            if (f == null || f.isBlank()) {
                throw new InvalidModelException("model has a blank feature name: " + features);
            }
        }
        if (!Double.isFinite(threshold)) {
            throw new InvalidModelException("model threshold is not a finite number: " + threshold);
        }
        if (version.isBlank()) {
            throw new InvalidModelException("model version is blank");
        }
        if (featureScales.isPresent()) {
            double[] s = featureScales.get();
            if (s.length != features.size()) {
                throw new InvalidModelException(ModelContract.KEY_FEATURE_SCALES + " has " + s.length
                        + " values for " + features.size() + " features");
            }
            for (double v : s) {
                if (!(v > 0) || !Double.isFinite(v)) {
                    throw new InvalidModelException(ModelContract.KEY_FEATURE_SCALES + " must be positive and finite");
                }
            }
        }
        featureScales = featureScales.map(double[]::clone);
        if (series.isPresent() && series.get().features() != features.size()) {
            throw new InvalidModelException(SeriesSpec.KEY_WINDOW + ": the series spec has " + series.get().features()
                    + " features per step, the model names " + features.size());
        }
        if (series.isPresent() && series.get().seasonal().isPresent()) {
            List<String> raw = series.get().rawFeatureNames(features);
            if (!SeriesSpec.modelFeatures(raw, true).equals(features)) {
                throw new InvalidModelException(dev.kade.series.SeasonalSpec.KEY_WEEK_BINS + ": a seasonal model names its "
                        + "raw features, then each with the suffix " + dev.kade.series.SeasonalSpec.SUFFIX + "; got " + features);
            }
        }
        int probeWidth = series.map(s -> (s.window() + 2) * s.features()).orElse(features.size());
        if (probe.isPresent() && probe.get().width() != probeWidth) {
            throw new InvalidModelException(ModelContract.KEY_PROBE + " rows have " + probe.get().width()
                    + " values for " + features.size() + " features" + (series.isPresent()
                    ? " in windows of " + series.get().window() + " (expected (W+2)·F = " + probeWidth + ")" : ""));
        }
    }

    /** Metadata without per-feature training histograms (models made before drift monitoring). */
    public ModelMetadata(List<String> features, ModelKind kind, double threshold, ScoreDistribution distribution,
                         String fingerprint, Instant createdAt, String version, Optional<double[]> featureScales,
                         Optional<ModelProbe> probe, Optional<SeriesSpec> series) {
        this(features, kind, threshold, distribution, fingerprint, createdAt, version, featureScales, probe, series,
                Optional.empty());
    }

    /** Metadata of a per-record model. */
    public ModelMetadata(List<String> features, ModelKind kind, double threshold, ScoreDistribution distribution,
                         String fingerprint, Instant createdAt, String version, Optional<double[]> featureScales,
                         Optional<ModelProbe> probe) {
        this(features, kind, threshold, distribution, fingerprint, createdAt, version, featureScales, probe, Optional.empty());
    }

    /** Metadata without a probe. */
    public ModelMetadata(List<String> features, ModelKind kind, double threshold, ScoreDistribution distribution,
                         String fingerprint, Instant createdAt, String version, Optional<double[]> featureScales) {
        this(features, kind, threshold, distribution, fingerprint, createdAt, version, featureScales, Optional.empty());
    }

    /** Metadata without feature scales (kade's own models carry normalisation in the graph). */
    public ModelMetadata(List<String> features, ModelKind kind, double threshold, ScoreDistribution distribution,
                         String fingerprint, Instant createdAt, String version) {
        this(features, kind, threshold, distribution, fingerprint, createdAt, version, Optional.empty(), Optional.empty());
    }

    /**
     * Steps per window the model reads: W (≥ 2) for a windowed model, which scores a record together with its
     * entity's last W − 1 records ({@link Scorer#scoreWindows}); 1 for a per-record model.
     */
    public int window() {
        return series.map(SeriesSpec::window).orElse(1);
    }

    /**
     * Values per probe row: the number of features for a per-record model; (W+2)·F for a windowed one (the
     * window's W·F raw values, then the entity's F means and F scales).
     */
    public int probeWidth() {
        return series.map(s -> (s.window() + 2) * s.features()).orElse(features.size());
    }

    /** Same metadata for a windowed model with this series spec. */
    public ModelMetadata withSeries(SeriesSpec spec) {
        return new ModelMetadata(features, kind, threshold, distribution, fingerprint, createdAt, version, featureScales,
                probe, Optional.of(spec), featureBins);
    }

    /** Percentile (0..100) of a score among the model's training scores. */
    public double percentile(double score) {
        return distribution.percentile(score);
    }

    /** Same metadata with another threshold (used when calibrating). */
    public ModelMetadata withThreshold(double newThreshold) {
        return new ModelMetadata(features, kind, newThreshold, distribution, fingerprint, createdAt, version, featureScales,
                probe, series, featureBins);
    }

    /** Same metadata with another version string. */
    public ModelMetadata withVersion(String newVersion) {
        return new ModelMetadata(features, kind, threshold, distribution, fingerprint, createdAt, newVersion, featureScales,
                probe, series, featureBins);
    }

    /** Same metadata with a probe of the calibration data the distribution was built from. */
    public ModelMetadata withProbe(ModelProbe newProbe) {
        return new ModelMetadata(features, kind, threshold, distribution, fingerprint, createdAt, version, featureScales,
                Optional.of(newProbe), series, featureBins);
    }

    /** Same metadata with the training histogram of each feature (drift monitoring's per-feature reference). */
    public ModelMetadata withFeatureBins(List<ReferenceBins> bins) {
        return new ModelMetadata(features, kind, threshold, distribution, fingerprint, createdAt, version, featureScales,
                probe, series, Optional.of(bins));
    }

    /** Same metadata with a histogram of each column of {@code rows} (raw feature values, in feature order). */
    public ModelMetadata withFeatureBinsOf(float[][] rows) {
        List<ReferenceBins> bins = new java.util.ArrayList<>(features.size());
        double[] column = new double[rows.length];
        for (int j = 0; j < features.size(); j++) {
            for (int i = 0; i < rows.length; i++) {
                column[i] = rows[i][j];
            }
            bins.add(ReferenceBins.ofSample(column));
        }
        return withFeatureBins(bins);
    }

    /** The string map written into the ONNX model's metadata_props. */
    public Map<String, String> toOnnxMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ModelContract.KEY_CONTRACT_VERSION, Integer.toString(ModelContract.CONTRACT_VERSION));
        m.put(ModelContract.KEY_FEATURES, toJson(features));
        m.put(ModelContract.KEY_KIND, kind.label());
        m.put(ModelContract.KEY_THRESHOLD, Double.toString(threshold));
        ObjectNode q = JSON.createObjectNode();
        q.set("p", JSON.valueToTree(distribution.probabilities()));
        q.set("v", JSON.valueToTree(distribution.values()));
        m.put(ModelContract.KEY_SCORE_QUANTILES, q.toString());
        m.put(ModelContract.KEY_FINGERPRINT, fingerprint);
        m.put(ModelContract.KEY_CREATED_AT, createdAt.toString());
        m.put(ModelContract.KEY_MODEL_VERSION, version);
        featureScales.ifPresent(s -> m.put(ModelContract.KEY_FEATURE_SCALES, toJson(s)));
        probe.ifPresent(p -> m.put(ModelContract.KEY_PROBE, p.toJson()));
        series.ifPresent(s -> m.putAll(s.toMetadata()));
        featureBins.ifPresent(b -> {
            ObjectNode node = JSON.createObjectNode();
            node.set("edges", JSON.valueToTree(b.stream().map(ReferenceBins::edges).toList()));
            node.set("shares", JSON.valueToTree(b.stream().map(ReferenceBins::shares).toList()));
            m.put(ModelContract.KEY_FEATURE_BINS, node.toString());
        });
        return m;
    }

    /**
     * Reads metadata written by {@link #toOnnxMetadata()} (or a sidecar JSON with the same keys).
     *
     * @throws InvalidModelException naming the key that is missing or malformed
     */
    public static ModelMetadata fromOnnxMetadata(Map<String, String> m) {
        String contract = m.get(ModelContract.KEY_CONTRACT_VERSION);
        if (contract != null && !contract.equals(Integer.toString(ModelContract.CONTRACT_VERSION))) {
            throw new InvalidModelException("model was written for contract version " + contract
                    + ", this kade serves version " + ModelContract.CONTRACT_VERSION);
        }
        List<String> features = List.of(readJson(m, ModelContract.KEY_FEATURES, String[].class));
        ModelKind kind;
        try {
            kind = ModelKind.parse(require(m, ModelContract.KEY_KIND));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(ModelContract.KEY_KIND + ": " + e.getMessage());
        }
        double threshold = parseDouble(m, ModelContract.KEY_THRESHOLD);
        QuantilesJson q = readJson(m, ModelContract.KEY_SCORE_QUANTILES, QuantilesJson.class);
        ScoreDistribution distribution;
        try {
            distribution = new ScoreDistribution(q.p, q.v);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidModelException(ModelContract.KEY_SCORE_QUANTILES + ": " + e.getMessage());
        }
        Instant created;
        try {
            created = Instant.parse(m.getOrDefault(ModelContract.KEY_CREATED_AT, Instant.EPOCH.toString()));
        } catch (DateTimeParseException e) {
            throw new InvalidModelException(ModelContract.KEY_CREATED_AT + " is not an ISO-8601 instant");
        }
        Optional<double[]> scales = m.containsKey(ModelContract.KEY_FEATURE_SCALES)
                ? Optional.of(readJson(m, ModelContract.KEY_FEATURE_SCALES, double[].class))
                : Optional.empty();
        Optional<ModelProbe> probe = m.containsKey(ModelContract.KEY_PROBE)
                ? Optional.of(ModelProbe.fromJson(require(m, ModelContract.KEY_PROBE)))
                : Optional.empty();
        Optional<SeriesSpec> series;
        try {
            series = SeriesSpec.windowOf(m) > 1 ? Optional.of(SeriesSpec.fromMetadata(m, features.size())) : Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(e.getMessage(), e);
        }
        Optional<List<ReferenceBins>> featureBins = Optional.empty();
        if (m.containsKey(ModelContract.KEY_FEATURE_BINS)) {
            BinsJson b = readJson(m, ModelContract.KEY_FEATURE_BINS, BinsJson.class);
            try {
                if (b.edges.length != b.shares.length) {
                    throw new IllegalArgumentException(b.edges.length + " edge lists, " + b.shares.length + " share lists");
                }
                List<ReferenceBins> list = new java.util.ArrayList<>();
                for (int i = 0; i < b.edges.length; i++) {
                    list.add(new ReferenceBins(b.edges[i], b.shares[i]));
                }
                featureBins = Optional.of(list);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new InvalidModelException(ModelContract.KEY_FEATURE_BINS + ": " + e.getMessage());
            }
        }
        return new ModelMetadata(features, kind, threshold, distribution,
                m.getOrDefault(ModelContract.KEY_FINGERPRINT, "unknown"), created,
                require(m, ModelContract.KEY_MODEL_VERSION), scales, probe, series, featureBins);
    }

    /** Shape of {@link ModelContract#KEY_FEATURE_BINS}. */
    private static final class BinsJson {
        public double[][] edges;
        public double[][] shares;
    }

    /** Shape of {@link ModelContract#KEY_SCORE_QUANTILES}. */
    private static final class QuantilesJson {
        public double[] p;
        public double[] v;
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null || v.isBlank()) {
            throw new InvalidModelException("model metadata lacks " + key);
        }
        return v;
    }

    private static double parseDouble(Map<String, String> m, String key) {
        try {
            return Double.parseDouble(require(m, key));
        } catch (NumberFormatException e) {
            throw new InvalidModelException(key + " is not a number: " + m.get(key));
        }
    }

    private static <T> T readJson(Map<String, String> m, String key, Class<T> type) {
        try {
            return JSON.readValue(require(m, key), type);
        } catch (JsonProcessingException e) {
            throw new InvalidModelException(key + " is not valid JSON of the expected shape: " + e.getOriginalMessage());
        }
    }

    private static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelMetadata other && toOnnxMetadata().equals(other.toOnnxMetadata());
    }

    @Override
    public int hashCode() {
        return toOnnxMetadata().hashCode();
    }
}
