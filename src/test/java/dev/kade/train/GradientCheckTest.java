package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Analytic gradients against central finite differences, for every layer, activation and loss. */
class GradientCheckTest {
    private static final double H = 1e-5;
    private static final double TOLERANCE = 1e-6;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseLayerGradientsMatchFiniteDifferencesForEveryActivation(Activation activation) {
        SplittableRandom rng = new SplittableRandom(1);
        int in = 4;
        int out = 3;
        int batch = 5;
        Dense d = new Dense(in, out, activation, 2); // non-zero offset: the layer must respect it
        double[] params = new double[2 + d.size()];
        d.initialise(params, rng);
        for (int i = d.biasOffset(); i < params.length; i++) {
            params[i] = rng.nextDouble() - 0.5; // non-zero bias exercises its gradient
        }
        double[] x = gaussian(rng, batch * in);
        double[] c = gaussian(rng, batch * out); // loss = Σ c·y, so dL/dy = c

        double[] y = new double[batch * out];
        d.forward(params, x, batch, y);
        double[] grad = new double[params.length];
        double[] dx = new double[x.length];
        d.backward(params, x, y, c.clone(), batch, grad, dx);

        ToDoubleFunction<double[]> lossOfParams = p -> {
            double[] yy = new double[batch * out];
            d.forward(p, x, batch, yy);
            return dot(c, yy);
        };
        ToDoubleFunction<double[]> lossOfInput = xx -> {
            double[] yy = new double[batch * out];
            d.forward(params, xx, batch, yy);
            return dot(c, yy);
        };
        assertThat(grad[0]).isZero();
        assertThat(grad[1]).isZero();
        assertMatches(grad, numeric(lossOfParams, params), 2, "parameters");
        assertMatches(dx, numeric(lossOfInput, x), 0, "input");
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"TANH", "SIGMOID", "IDENTITY"})
    void autoencoderMseGradientMatchesFiniteDifferences(Activation activation) {
        Autoencoder ae = Autoencoder.of(5, List.of(7, 4), 2, activation);
        checkNetwork(ae, (p, x, g) -> ae.lossAndGradient(p, x, 6, g, new SplittableRandom(0)));
    }

    @Test
    void autoencoderWithReluMatchesFiniteDifferences() {
        // ReLU has a kink at 0; random inputs hit it with probability ~0, and H is far smaller than any pre-activation
        Autoencoder ae = Autoencoder.of(5, List.of(7, 4), 2, Activation.RELU);
        checkNetwork(ae, (p, x, g) -> ae.lossAndGradient(p, x, 6, g, new SplittableRandom(0)));
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"TANH", "RELU"})
    void vaeElboGradientWithFixedNoiseMatchesFiniteDifferences(Activation activation) {
        VariationalAutoencoder vae = VariationalAutoencoder.of(5, List.of(6), 3, activation, 0.7);
        double[] eps = gaussian(new SplittableRandom(5), 6 * 3);
        checkNetwork(vae, (p, x, g) -> vae.lossAndGradient(p, x, 6, g, eps));
    }

    @Test
    void vaeWithoutHiddenLayersAndZeroBetaStillMatches() {
        VariationalAutoencoder vae = VariationalAutoencoder.of(4, List.of(), 2, Activation.TANH, 0.0);
        double[] eps = gaussian(new SplittableRandom(8), 6 * 2);
        checkNetwork(vae, (p, x, g) -> vae.lossAndGradient(p, x, 6, g, eps));
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"TANH", "RELU"})
    void autoencoderWithCodePenaltyAndInputNoiseMatchesFiniteDifferences(Activation activation) {
        Autoencoder ae = Autoencoder.of(5, List.of(7, 4), 3, activation, new Regularisation(0.3, 0.5));
        double[] noise = gaussian(new SplittableRandom(21), 6 * 5);
        checkNetwork(ae, (p, x, g) -> ae.lossAndGradient(p, x, 6, g, noise));
    }

    @Test
    void codePenaltyAddsLambdaTimesMeanAbsoluteCodeAndInputNoiseChangesTheLoss() {
        Autoencoder plain = Autoencoder.of(4, List.of(5), 2, Activation.TANH);
        Autoencoder sparse = Autoencoder.of(4, List.of(5), 2, Activation.TANH, new Regularisation(0.7, 0));
        double[] params = new double[plain.parameterCount()];
        plain.initialise(params, new SplittableRandom(5));
        double[] x = gaussian(new SplittableRandom(6), 3 * 4);
        double base = plain.lossAndGradient(params, x, 3, new double[params.length], (double[]) null);
        double penalised = sparse.lossAndGradient(params, x, 3, new double[params.length], (double[]) null);
        double[] code = plain.forward(params, x, 3)[2];
        double meanAbs = java.util.Arrays.stream(code).map(Math::abs).average().orElseThrow();
        assertThat(penalised - base).isCloseTo(0.7 * meanAbs, org.assertj.core.data.Offset.offset(1e-12));
        double noisy = plain.lossAndGradient(params, x, 3, new double[params.length], gaussian(new SplittableRandom(7), 12));
        assertThat(noisy).isNotEqualTo(base);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"TANH", "RELU"})
    void vaeWithCodePenaltyAndInputNoiseMatchesFiniteDifferences(Activation activation) {
        VariationalAutoencoder vae = VariationalAutoencoder.of(5, List.of(6), 3, activation, 0.7, new Regularisation(0.4, 0.5));
        double[] eps = gaussian(new SplittableRandom(5), 6 * 3);
        double[] noise = gaussian(new SplittableRandom(22), 6 * 5);
        checkNetwork(vae, (p, x, g) -> vae.lossAndGradient(p, x, 6, g, eps, noise));
    }

    @Test
    void vaeKlTermAloneHasTheClosedFormGradient() {
        // with a zero decoder the loss is the KL plus a constant: check d/dμ = β·μ/B and, through the soft
        // clamp logvar = L·tanh(a/L), d/da = β·(σ²−1)/(2B)·(1 − (logvar/L)²)
        VariationalAutoencoder vae = VariationalAutoencoder.of(3, List.of(), 2, Activation.IDENTITY, 2.0);
        double[] params = new double[vae.parameterCount()];
        vae.initialise(params, new SplittableRandom(3));
        Dense dec = vae.decoder().get(0);
        java.util.Arrays.fill(params, dec.offset(), dec.offset() + dec.size(), 0.0);
        double[] x = gaussian(new SplittableRandom(4), 3);
        double[] grad = new double[params.length];
        vae.lossAndGradient(params, x, 1, grad, new double[2]);
        double[] mu = new double[2];
        double[] a = new double[2];
        vae.mean().forward(params, x, 1, mu);
        vae.logVariance().forward(params, x, 1, a);
        for (int k = 0; k < 2; k++) {
            double lv = VariationalAutoencoder.LOG_VARIANCE_LIMIT * Math.tanh(a[k] / VariationalAutoencoder.LOG_VARIANCE_LIMIT);
            double t = lv / VariationalAutoencoder.LOG_VARIANCE_LIMIT;
            assertThat(grad[vae.mean().biasOffset() + k]).isCloseTo(2.0 * mu[k], org.assertj.core.data.Offset.offset(1e-12));
            assertThat(grad[vae.logVariance().biasOffset() + k])
                    .isCloseTo(2.0 * 0.5 * (Math.exp(lv) - 1) * (1 - t * t), org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void vaeLogVarianceClampKeepsFarOffInputsFinite() {
        VariationalAutoencoder vae = VariationalAutoencoder.of(3, List.of(4), 2, Activation.RELU, 1.0);
        double[] params = new double[vae.parameterCount()];
        vae.initialise(params, new SplittableRandom(2));
        double[] x = {1e6, -1e6, 1e6};
        double[] grad = new double[params.length];
        double loss = vae.lossAndGradient(params, x, 1, grad, new double[] {0.5, -0.5});
        double[] score = new double[1];
        vae.score(params, x, 1, score, new double[3]);
        assertThat(loss).isFinite();
        assertThat(score[0]).isFinite();
        for (double g : grad) {
            assertThat(g).isFinite();
        }
    }

    @Test
    void vaeScoreIsNegativeElboWithMeanLatent() {
        VariationalAutoencoder vae = VariationalAutoencoder.of(4, List.of(5), 2, Activation.TANH, 1.5);
        double[] params = new double[vae.parameterCount()];
        vae.initialise(params, new SplittableRandom(11));
        double[] x = gaussian(new SplittableRandom(12), 4);
        double[] score = new double[1];
        double[] errors = new double[4];
        vae.score(params, x, 1, score, errors);
        // the training loss with ε = 0 is exactly the score (z = μ)
        double loss = vae.lossAndGradient(params, x, 1, new double[params.length], new double[2]);
        assertThat(score[0]).isCloseTo(loss, org.assertj.core.data.Offset.offset(1e-12));
        for (double e : errors) {
            assertThat(e).isNotNegative();
        }
    }

    interface Loss {
        double apply(double[] params, double[] x, double[] grad);
    }

    private static void checkNetwork(Network net, Loss loss) {
        SplittableRandom rng = new SplittableRandom(7);
        double[] params = new double[net.parameterCount()];
        net.initialise(params, rng);
        for (Dense d : net.layers()) {
            for (int j = 0; j < d.out(); j++) {
                params[d.biasOffset() + j] = 0.2 * (rng.nextDouble() - 0.5);
            }
        }
        double[] x = gaussian(rng, 6 * net.inputs());
        double[] grad = new double[params.length];
        loss.apply(params, x, grad);
        assertMatches(grad, numeric(p -> loss.apply(p, x, new double[p.length]), params), 0, net.kind() + " parameters");
    }

    private static double[] numeric(ToDoubleFunction<double[]> f, double[] at) {
        double[] g = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            double keep = at[i];
            at[i] = keep + H;
            double up = f.applyAsDouble(at);
            at[i] = keep - H;
            double down = f.applyAsDouble(at);
            at[i] = keep;
            g[i] = (up - down) / (2 * H);
        }
        return g;
    }

    private static void assertMatches(double[] analytic, double[] numeric, int from, String what) {
        for (int i = from; i < analytic.length; i++) {
            double scale = Math.max(1, Math.abs(numeric[i]));
            assertThat(Math.abs(analytic[i] - numeric[i]) / scale)
                    .as("%s gradient %d: analytic %s vs numeric %s", what, i, analytic[i], numeric[i])
                    .isLessThan(TOLERANCE);
        }
    }

    private static double[] gaussian(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
