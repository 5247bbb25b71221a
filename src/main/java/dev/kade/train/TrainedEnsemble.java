package dev.kade.train;

import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import java.util.List;
import java.util.Objects;

/**
 * K trained networks that serve as one model: each member's score is put on a common scale with
 * constants fitted on the shared validation split ({@link MemberScale}), and the combined score is the
 * mean of the members' scaled scores; the combined feature errors are the mean of their scaled errors.
 * All members read the same standardised input (one {@link Standardizer}, fitted on the shared training
 * split), so the export standardises once.
 *
 * <p>Averaging K members removes most of what one seed's initialisation and batch order add to the score
 * (the seed variance of a single model), and mixing AEs with VAEs lets each kind cover the sets where the
 * other is weak. An ensemble of one is a plain model: its scale is the identity and its export is the
 * single model's graph.
 *
 * <p>It is itself a {@link Scorer}, the Java forward pass that the ONNX export must agree with. Thread-safe.
 */
public final class TrainedEnsemble implements Scorer {
    private final List<TrainedModel> members;
    private final List<MemberScale> scales;
    private final ModelMetadata metadata;
    private final TrainConfig config;
    private final double[] validationScores;

    public TrainedEnsemble(List<TrainedModel> members, List<MemberScale> scales, ModelMetadata metadata, TrainConfig config,
                           double[] validationScores) {
        this.members = List.copyOf(Objects.requireNonNull(members, "members"));
        this.scales = List.copyOf(Objects.requireNonNull(scales, "scales"));
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.config = Objects.requireNonNull(config, "config");
        this.validationScores = Objects.requireNonNull(validationScores, "validationScores").clone();
        if (this.members.isEmpty() || this.members.size() != this.scales.size()) {
            throw new IllegalArgumentException(this.members.size() + " members with " + this.scales.size() + " scales");
        }
        Standardizer first = this.members.get(0).standardizer();
        for (TrainedModel m : this.members) {
            if (!m.standardizer().equals(first)) {
                throw new IllegalArgumentException("ensemble members must share one standardiser");
            }
        }
        if (metadata.features().size() != first.width()) {
            throw new IllegalArgumentException("metadata names " + metadata.features().size() + " features, members read " + first.width());
        }
    }

    /** A single model as an ensemble of one (identity scale, the model's own metadata). */
    public static TrainedEnsemble of(TrainedModel model) {
        return new TrainedEnsemble(List.of(model), List.of(MemberScale.IDENTITY), model.metadata(), model.config(),
                model.validationScores());
    }

    public List<TrainedModel> members() {
        return members;
    }

    public List<MemberScale> scales() {
        return scales;
    }

    public int size() {
        return members.size();
    }

    public Standardizer standardizer() {
        return members.get(0).standardizer();
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    public TrainConfig config() {
        return config;
    }

    /** Combined scores of the validation split, from which the threshold was taken. */
    public double[] validationScores() {
        return validationScores.clone();
    }

    /** Parameters over all members. */
    public int parameterCount() {
        return members.stream().mapToInt(m -> m.network().parameterCount()).sum();
    }

    /** The same ensemble with other metadata (a version set on the command line). */
    public TrainedEnsemble withMetadata(ModelMetadata m) {
        return new TrainedEnsemble(members, scales, m, config, validationScores);
    }

    /** Scores raw rows with the Java forward pass of every member, combined as the export combines them. */
    @Override
    public Scores score(float[][] rows) {
        int n = rows.length;
        int f = standardizer().width();
        if (members.size() == 1) {
            return members.get(0).score(rows);
        }
        double[] x = new double[n * f];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != f) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, model expects " + f);
            }
            standardizer().apply(rows[i], x, i * f);
        }
        double[] score = new double[n];
        double[] errors = new double[n * f];
        double[] ms = new double[n];
        double[] me = new double[n * f];
        int k = members.size();
        for (int m = 0; m < k; m++) {
            TrainedModel member = members.get(m);
            MemberScale s = scales.get(m);
            member.network().score(member.parametersView(), x, n, ms, me);
            float[] rowErrors = new float[f];
            for (int i = 0; i < n; i++) {
                // the graph computes each member's outputs in float32, then rescales
                for (int j = 0; j < f; j++) {
                    rowErrors[j] = (float) me[i * f + j];
                    errors[i * f + j] += s.featureError(j, rowErrors[j]);
                }
                score[i] += s.score((float) s.memberScore((float) ms[i], rowErrors));
            }
        }
        float[] outScore = new float[n];
        float[][] outErrors = new float[n][f];
        for (int i = 0; i < n; i++) {
            outScore[i] = (float) (score[i] / k);
            for (int j = 0; j < f; j++) {
                outErrors[i][j] = (float) (errors[i * f + j] / k);
            }
        }
        return new Scores(outScore, outErrors);
    }

    @Override
    public boolean hasReconstruction() {
        return true;
    }

    /**
     * The member whose code is the ensemble's {@code latent} output: the first VAE member if there is one
     * (its μ has a prior, so codes on the scores topic can be decoded by {@code MODEL.decoder.onnx} and
     * sampled from), else member 0. One member's code, not a blend: codes of separately trained members
     * live in unrelated spaces, and an average of them would mean nothing.
     */
    public int latentMember() {
        for (int k = 0; k < members.size(); k++) {
            if (members.get(k).network() instanceof VariationalAutoencoder) {
                return k;
            }
        }
        return 0;
    }

    @Override
    public int latentWidth() {
        return members.get(latentMember()).latentWidth();
    }

    /** The VAE member that {@code kade sample} decodes through ({@link #latentMember()}), if the ensemble has one. */
    public java.util.Optional<TrainedModel> decoderMember() {
        TrainedModel m = members.get(latentMember());
        return m.network() instanceof VariationalAutoencoder ? java.util.Optional.of(m) : java.util.Optional.empty();
    }

    /**
     * The mean of the members' reconstructions (standardised space, each rounded to float32 as the graph holds
     * it), in raw units. The mean of K reconstructions is the ensemble's best guess of the normal record;
     * the combined {@code feature_errors} are scaled per member and are not a function of it.
     */
    @Override
    public float[][] reconstruct(float[][] rows) {
        if (members.size() == 1) {
            return members.get(0).reconstruct(rows);
        }
        int n = rows.length;
        int f = standardizer().width();
        double[] x = members.get(0).standardise(rows);
        double[] sum = new double[n * f];
        double[] one = new double[n * f];
        for (TrainedModel m : members) {
            m.network().reconstruct(m.parametersView(), x, n, one, null);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += (float) one[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] = (float) (sum[i] / members.size());
        }
        return standardizer().unapply(sum, n);
    }

    /** The code of {@link #latentMember()}. */
    @Override
    public float[][] latent(float[][] rows) {
        return members.get(latentMember()).latent(rows);
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
