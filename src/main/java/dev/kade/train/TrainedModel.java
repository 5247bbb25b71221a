package dev.kade.train;

import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import java.util.Objects;

/**
 * The immutable result of training: architecture, parameters (rounded to float32, exactly what the ONNX
 * export holds), the standardiser fitted on the training split, the metadata the model will carry, the
 * config it was made with, its history and the validation scores behind its threshold.
 *
 * <p>It is itself a {@link Scorer}: the plain Java forward pass that the ONNX export must agree with.
 * Thread-safe.
 */
public final class TrainedModel implements Scorer {
    private final Network network;
    private final double[] parameters;
    private final Standardizer standardizer;
    private final ModelMetadata metadata;
    private final TrainConfig config;
    private final TrainingHistory history;
    private final double[] validationScores;

    public TrainedModel(Network network, double[] parameters, Standardizer standardizer, ModelMetadata metadata,
                        TrainConfig config, TrainingHistory history, double[] validationScores) {
        this.network = Objects.requireNonNull(network, "network");
        this.parameters = Objects.requireNonNull(parameters, "parameters").clone();
        this.standardizer = Objects.requireNonNull(standardizer, "standardizer");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.config = Objects.requireNonNull(config, "config");
        this.history = Objects.requireNonNull(history, "history");
        this.validationScores = Objects.requireNonNull(validationScores, "validationScores").clone();
        if (parameters.length != network.parameterCount()) {
            throw new IllegalArgumentException(parameters.length + " parameters for a network of " + network.parameterCount());
        }
        if (standardizer.width() != network.inputs() || metadata.features().size() != network.inputs()) {
            throw new IllegalArgumentException("standardiser, metadata and network disagree on the number of features");
        }
    }

    public Network network() {
        return network;
    }

    /** A copy of the parameter vector (float32 values held as doubles). */
    public double[] parameters() {
        return parameters.clone();
    }

    /** The parameter vector itself, for forward passes in this package; never written to. */
    double[] parametersView() {
        return parameters;
    }

    /** The parameter at {@code i}, without copying the vector. */
    public double parameter(int i) {
        return parameters[i];
    }

    public Standardizer standardizer() {
        return standardizer;
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    public TrainConfig config() {
        return config;
    }

    public TrainingHistory history() {
        return history;
    }

    /** Scores of the validation split, from which the threshold was taken. */
    public double[] validationScores() {
        return validationScores.clone();
    }

    /** Scores raw rows with the Java forward pass. */
    @Override
    public Scores score(float[][] rows) {
        int f = network.inputs();
        int n = rows.length;
        double[] x = new double[n * f];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != f) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, model expects " + f);
            }
            standardizer.apply(rows[i], x, i * f);
        }
        double[] score = new double[n];
        double[] errors = new double[n * f];
        network.score(parameters, x, n, score, errors);
        float[] s = new float[n];
        float[][] e = new float[n][f];
        for (int i = 0; i < n; i++) {
            s[i] = (float) score[i];
            for (int j = 0; j < f; j++) {
                e[i][j] = (float) errors[i * f + j];
            }
        }
        return new Scores(s, e);
    }

    @Override
    public boolean hasReconstruction() {
        return true;
    }

    @Override
    public int latentWidth() {
        return network.latent();
    }

    /** The reconstruction in raw units, {@code x̂·scale + center}: the AE's output, the VAE's decoder at z = μ. */
    @Override
    public float[][] reconstruct(float[][] rows) {
        int f = network.inputs();
        double[] recon = new double[rows.length * f];
        network.reconstruct(parameters, standardise(rows), rows.length, recon, null);
        return standardizer.unapply(recon, rows.length);
    }

    /** The code: the AE's bottleneck, the VAE's μ. */
    @Override
    public float[][] latent(float[][] rows) {
        int l = network.latent();
        double[] code = new double[rows.length * l];
        network.reconstruct(parameters, standardise(rows), rows.length, null, code);
        return toRows(code, rows.length, l);
    }

    /**
     * The VAE's decoder alone, in raw units: {@code decode(z)·scale + center} for codes z [n, L].
     *
     * @throws UnsupportedOperationException for an AE (its code space has no prior to sample from)
     */
    public float[][] decode(float[][] z) {
        if (!(network instanceof VariationalAutoencoder vae)) {
            throw new UnsupportedOperationException("only a VAE has a decoder to sample from; this is " + network.kind().label());
        }
        int l = vae.latent();
        double[] codes = new double[z.length * l];
        for (int i = 0; i < z.length; i++) {
            if (z[i].length != l) {
                throw new IllegalArgumentException("code " + i + " has " + z[i].length + " values, the decoder reads " + l);
            }
            for (int k = 0; k < l; k++) {
                codes[i * l + k] = z[i][k];
            }
        }
        double[] out = new double[z.length * vae.inputs()];
        vae.decode(parameters, codes, z.length, out);
        return standardizer.unapply(out, z.length);
    }

    /** Standardised rows, row-major. */
    double[] standardise(float[][] rows) {
        int f = network.inputs();
        double[] x = new double[rows.length * f];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != f) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, model expects " + f);
            }
            standardizer.apply(rows[i], x, i * f);
        }
        return x;
    }

    static float[][] toRows(double[] flat, int n, int width) {
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                out[i][j] = (float) flat[i * width + j];
            }
        }
        return out;
    }

    /** Scores as doubles (used for calibration and reports). */
    public double[] scoreValues(float[][] rows) {
        float[] s = score(rows).score();
        double[] d = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = s[i];
        }
        return d;
    }
}
