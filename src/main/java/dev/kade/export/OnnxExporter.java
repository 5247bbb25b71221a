package dev.kade.export;

import ai.onnx.proto.OnnxMl;
import dev.kade.model.ModelContract;
import dev.kade.train.Autoencoder;
import dev.kade.train.Dense;
import dev.kade.train.MemberScale;
import dev.kade.train.Network;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.TrainedModel;
import dev.kade.train.VariationalAutoencoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes a {@link TrainedModel} as an ONNX model (opset 13) that meets the {@link ModelContract}.
 *
 * <p>Graph: {@code z = (features − center) / scale} ({@code Sub}, {@code Div}), then {@code Gemm} plus
 * activation per layer. AE: {@code feature_errors = (z − x̂)²}, {@code score = ReduceMean(feature_errors)}.
 * VAE (decoding z = μ, {@code logvar = 10·tanh(a/10)} on the linear head a): {@code feature_errors = ½ (z − x̂)²},
 * {@code score = ReduceSum(feature_errors) + β · ½ Σ_k (μ_k² + exp(logvar_k) − logvar_k − 1)}.
 * Two optional outputs: {@code reconstruction} = x̂·scale + center (raw units; an ensemble's mean of its
 * members' x̂) and {@code latent} (the AE's bottleneck, the VAE's μ; an ensemble's
 * {@link TrainedEnsemble#latentMember()}). A VAE's decoder is also written as its own graph ({@link #exportDecoder}).
 * The batch dimension is symbolic ({@code batch}). The model's metadata goes into {@code metadata_props}.
 */
public final class OnnxExporter {
    /** ONNX IR version written (ONNX 1.8+, understood by every ONNX Runtime since 1.6). */
    static final long IR_VERSION = 7;

    private OnnxExporter() {
    }

    /** Writes the model to {@code path}, creating parent directories. */
    public static void export(TrainedModel model, Path path) {
        export(TrainedEnsemble.of(model), path);
    }

    /** Writes the model (one network or an ensemble as one graph) to {@code path}, creating parent directories. */
    public static void export(TrainedEnsemble model, Path path) {
        Objects.requireNonNull(path, "path");
        write(toProto(model), path);
    }

    /** The complete ONNX model: graph, opset, producer and kade metadata. */
    public static OnnxMl.ModelProto toProto(TrainedModel model) {
        return toProto(TrainedEnsemble.of(model));
    }

    /** The complete ONNX model: graph, opset, producer and kade metadata. */
    public static OnnxMl.ModelProto toProto(TrainedEnsemble model) {
        Objects.requireNonNull(model, "model");
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("kade")
                .setProducerVersion(String.valueOf(OnnxExporter.class.getPackage().getImplementationVersion()))
                .setDomain("dev.kade")
                .setModelVersion(ModelContract.CONTRACT_VERSION)
                .setDocString("kade " + model.metadata().kind().label() + " anomaly model; see the model contract in the README")
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setGraph(graph(model));
        Map<String, String> meta = new java.util.LinkedHashMap<>(model.metadata().toOnnxMetadata());
        meta.put(ModelContract.KEY_LATENT_DIM, Integer.toString(model.latentWidth()));
        if (model.size() > 1) {
            meta.put(ModelContract.KEY_LATENT_MEMBER, Integer.toString(model.latentMember()));
        }
        for (Map.Entry<String, String> e : meta.entrySet()) {
            b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return b.build();
    }

    /** The graph alone: depends only on parameters and standardiser, so equal models give equal bytes. */
    public static OnnxMl.GraphProto graph(TrainedModel model) {
        return graph(TrainedEnsemble.of(model));
    }

    /**
     * The graph alone. One member: exactly the single model's graph. K members: one standardisation, each
     * member's subgraph under the name prefix {@code mK_}; a member with feature weights w (AE members) has
     * {@code errors_k ← errors_k · w} and {@code score_k = ReduceMean(errors_k)}; then
     * {@code score = (1/K) Σ_k (t(score_k) − center_k) / spread_k} ({@code t} = {@code Log(score_k + offset)}
     * when the member is log-scaled) and {@code feature_errors = (1/K) Σ_k feature_errors_k / errorScale_k}.
     */
    public static OnnxMl.GraphProto graph(TrainedEnsemble model) {
        int f = model.standardizer().width();
        ONNXContext ctx = new ONNXContext();
        ctx.setName(model.size() == 1 ? "kade_" + model.members().get(0).network().kind().label() : "kade_ensemble");
        ONNXPlaceholder input = ctx.floatInput(ModelContract.INPUT, f);
        ONNXPlaceholder scoreOut = ctx.floatOutput(ModelContract.OUTPUT_SCORE, 1);
        ONNXPlaceholder errorsOut = ctx.floatOutput(ModelContract.OUTPUT_FEATURE_ERRORS, f);
        ONNXPlaceholder reconOut = ctx.floatOutput(ModelContract.OUTPUT_RECONSTRUCTION, f);
        ONNXPlaceholder latentOut = ctx.floatOutput(ModelContract.OUTPUT_LATENT, model.latentWidth());

        ONNXRef<?> centre = ctx.array("center", model.standardizer().center());
        ONNXRef<?> spread = ctx.array("scale", model.standardizer().scale());
        ONNXRef<?> z = op(ctx, ONNXOperators.SUB, "centred", input, centre);
        z = op(ctx, ONNXOperators.DIV, "standardised", z, spread);

        ONNXRef<?> errors;
        ONNXRef<?> score;
        ONNXRef<?> recon;
        ONNXRef<?> code;
        if (model.size() == 1) {
            Outputs o = member(ctx, model.members().get(0), z, "");
            errors = o.errors();
            score = o.score();
            recon = o.reconstruction();
            code = o.code();
        } else {
            ONNXRef<?> scoreSum = null;
            ONNXRef<?> errorSum = null;
            ONNXRef<?> reconSum = null;
            ONNXRef<?> latent = null;
            for (int k = 0; k < model.size(); k++) {
                String p = "m" + k + "_";
                MemberScale s = model.scales().get(k);
                Outputs o = member(ctx, model.members().get(k), z, p);
                reconSum = reconSum == null ? o.reconstruction() : op(ctx, ONNXOperators.ADD, p + "reconstruction_sum", reconSum, o.reconstruction());
                if (k == model.latentMember()) {
                    latent = o.code();
                }
                ONNXRef<?> memberErrors = o.errors();
                ONNXRef<?> t = o.score();
                if (s.weighted()) {
                    float[] w = new float[f];
                    double[] weights = s.featureWeights();
                    for (int j = 0; j < f; j++) {
                        w[j] = (float) weights[j];
                    }
                    memberErrors = op(ctx, ONNXOperators.MUL, p + "weighted_errors", memberErrors, ctx.array(p + "error_weights", w));
                    t = ctx.operation(ONNXOperators.REDUCE_MEAN, List.of(memberErrors), p + "weighted_score",
                            meanOverFeatures());
                }
                if (s.log()) {
                    t = op(ctx, ONNXOperators.ADD, p + "score_offset", t, ctx.constant(p + "log_offset", (float) MemberScale.LOG_OFFSET));
                    t = ctx.operation(KadeOperators.LOG, List.of(t), p + "log_score");
                }
                t = op(ctx, ONNXOperators.SUB, p + "score_centred", t, ctx.constant(p + "score_center", (float) s.center()));
                t = op(ctx, ONNXOperators.DIV, p + "score_scaled", t, ctx.constant(p + "score_spread", (float) s.spread()));
                ONNXRef<?> e = op(ctx, ONNXOperators.DIV, p + "errors_scaled", memberErrors,
                        ctx.constant(p + "error_scale", (float) s.errorScale()));
                scoreSum = scoreSum == null ? t : op(ctx, ONNXOperators.ADD, p + "score_sum", scoreSum, t);
                errorSum = errorSum == null ? e : op(ctx, ONNXOperators.ADD, p + "errors_sum", errorSum, e);
            }
            ONNXRef<?> invK = ctx.constant("inv_members", 1f / model.size());
            score = op(ctx, ONNXOperators.MUL, "ensemble_score", scoreSum, invK);
            errors = op(ctx, ONNXOperators.MUL, "ensemble_feature_errors", errorSum, invK);
            recon = op(ctx, ONNXOperators.MUL, "ensemble_reconstruction", reconSum, invK);
            code = latent;
        }
        ONNXRef<?> rawRecon = op(ctx, ONNXOperators.MUL, "reconstruction_scaled", recon, spread);
        rawRecon = op(ctx, ONNXOperators.ADD, "reconstruction_raw", rawRecon, centre);
        ctx.assignTo(errors, errorsOut);
        ctx.assignTo(score, scoreOut);
        ctx.assignTo(rawRecon, reconOut);
        ctx.assignTo(code, latentOut);
        return withVectorScore(ctx.buildGraph());
    }

    /**
     * The decoder graph of a model with a VAE ({@link TrainedEnsemble#decoderMember()}): input
     * {@value ModelContract#DECODER_INPUT} float32 [batch, L], output {@value ModelContract#INPUT} float32
     * [batch, F] in raw units ({@code decoder(z)·scale + center}), metadata {@code kade.features},
     * {@code kade.latent_dim}, {@code kade.model_version}, {@code kade.graph=decoder} and {@code kade.decoder_sigma}
     * (the raw-unit standard deviation of p(x|z), i.e. the scale). {@code kade sample}
     * decodes codes drawn from the prior N(0, I) through it.
     *
     * @throws IllegalArgumentException when the model has no VAE member
     */
    public static OnnxMl.ModelProto decoderProto(TrainedEnsemble model) {
        TrainedModel member = model.decoderMember().orElseThrow(() -> new IllegalArgumentException(
                "a " + model.metadata().kind().label() + " model without a VAE member has no decoder to sample from"));
        VariationalAutoencoder vae = (VariationalAutoencoder) member.network();
        int f = model.standardizer().width();
        ONNXContext ctx = new ONNXContext();
        ctx.setName("kade_decoder");
        ONNXPlaceholder input = ctx.floatInput(ModelContract.DECODER_INPUT, vae.latent());
        ONNXPlaceholder output = ctx.floatOutput(ModelContract.INPUT, f);
        ONNXRef<?> x = stack(ctx, member, vae.decoder(), input, "decoder", 0);
        x = op(ctx, ONNXOperators.MUL, "decoded_scaled", x, ctx.array("scale", model.standardizer().scale()));
        x = op(ctx, ONNXOperators.ADD, "decoded_raw", x, ctx.array("center", model.standardizer().center()));
        ctx.assignTo(x, output);
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("kade")
                .setDomain("dev.kade")
                .setModelVersion(ModelContract.CONTRACT_VERSION)
                .setDocString("kade decoder of model " + model.metadata().version() + ": latent code z -> raw features")
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setGraph(ctx.buildGraph());
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put(ModelContract.KEY_GRAPH, "decoder");
        meta.put(ModelContract.KEY_FEATURES, model.metadata().toOnnxMetadata().get(ModelContract.KEY_FEATURES));
        meta.put(ModelContract.KEY_LATENT_DIM, Integer.toString(vae.latent()));
        meta.put(ModelContract.KEY_MODEL_VERSION, model.metadata().version());
        meta.put(ModelContract.KEY_FINGERPRINT, model.metadata().fingerprint());
        StringBuilder sigma = new StringBuilder("[");
        float[] scale = model.standardizer().scale();
        for (int j = 0; j < scale.length; j++) {
            sigma.append(j == 0 ? "" : ",").append(scale[j]);
        }
        meta.put(ModelContract.KEY_DECODER_SIGMA, sigma.append(']').toString());
        meta.forEach((k, v) -> b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    /** Where the decoder graph of {@code model} lives: {@code vae.onnx} → {@code vae.decoder.onnx}. */
    public static Path decoderPath(Path model) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
        return model.resolveSibling(stem + ModelContract.DECODER_SUFFIX);
    }

    /**
     * Writes {@link #decoderProto} to {@link #decoderPath}{@code (modelPath)} when the model has a VAE member.
     *
     * @return the decoder file, or empty for a model without a VAE (nothing written)
     */
    public static java.util.Optional<Path> exportDecoder(TrainedEnsemble model, Path modelPath) {
        if (model.decoderMember().isEmpty()) {
            return java.util.Optional.empty();
        }
        Path path = decoderPath(modelPath);
        write(decoderProto(model), path);
        return java.util.Optional.of(path);
    }

    /** Writes a model proto to {@code path}, creating parent directories; every exporter's one way to a file. */
    static void write(OnnxMl.ModelProto proto, Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(path)) {
                proto.writeTo(out);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write model to " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A member's outputs inside the graph: score [batch], feature errors [batch, F], the deterministic
     * reconstruction [batch, F] in standardised space and the code [batch, L].
     */
    private record Outputs(ONNXRef<?> score, ONNXRef<?> errors, ONNXRef<?> reconstruction, ONNXRef<?> code) {
    }

    /** One network's subgraph on the standardised input {@code z}, node and tensor names prefixed with {@code p}. */
    private static Outputs member(ONNXContext ctx, TrainedModel model, ONNXRef<?> z, String p) {
        Network net = model.network();
        if (net instanceof Autoencoder ae) {
            int bottleneck = ae.hidden().size() + 1; // layers before and including the bottleneck
            ONNXRef<?> code = stack(ctx, model, ae.layers().subList(0, bottleneck), z, p + "layer", 0);
            ONNXRef<?> recon = stack(ctx, model, ae.layers().subList(bottleneck, ae.layers().size()), code, p + "layer", bottleneck);
            ONNXRef<?> diff = op(ctx, ONNXOperators.SUB, p + "residual", z, recon);
            ONNXRef<?> errors = op(ctx, ONNXOperators.MUL, p + "squared_error", diff, diff);
            ONNXRef<?> score = ctx.operation(ONNXOperators.REDUCE_MEAN, List.of(errors), p + "mean_squared_error",
                    meanOverFeatures());
            return new Outputs(score, errors, recon, code);
        } else if (net instanceof VariationalAutoencoder vae) {
            ONNXRef<?> h = stack(ctx, model, vae.encoder(), z, p + "encoder", 0);
            ONNXRef<?> mu = dense(ctx, model, vae.mean(), h, p + "mu");
            ONNXRef<?> rawLogVar = dense(ctx, model, vae.logVariance(), h, p + "logvar_raw");
            float limit = (float) VariationalAutoencoder.LOG_VARIANCE_LIMIT;
            ONNXRef<?> scaled = op(ctx, ONNXOperators.MUL, p + "logvar_scaled", rawLogVar, ctx.constant(p + "inv_logvar_limit", 1f / limit));
            ONNXRef<?> squashed = ctx.operation(KadeOperators.TANH, List.of(scaled), p + "logvar_tanh");
            ONNXRef<?> logVar = op(ctx, ONNXOperators.MUL, p + "logvar", squashed, ctx.constant(p + "logvar_limit", limit));
            ONNXRef<?> recon = stack(ctx, model, vae.decoder(), mu, p + "decoder", 0);
            ONNXRef<?> diff = op(ctx, ONNXOperators.SUB, p + "residual", z, recon);
            ONNXRef<?> sq = op(ctx, ONNXOperators.MUL, p + "squared_error", diff, diff);
            ONNXRef<?> errors = op(ctx, ONNXOperators.MUL, p + "half_squared_error", sq, ctx.constant(p + "half", 0.5f));
            ONNXRef<?> axes = ctx.array(p + "reduce_axes", new long[] {1});
            ONNXRef<?> rec = ctx.operation(ONNXOperators.REDUCE_SUM, List.of(errors, axes), p + "reconstruction_nll",
                    Map.of("keepdims", 0));
            // KL(q(z|x) || N(0,I)) = ½ Σ (μ² + exp(logvar) − logvar − 1)
            ONNXRef<?> mu2 = op(ctx, ONNXOperators.MUL, p + "mu_squared", mu, mu);
            ONNXRef<?> var = ctx.operation(KadeOperators.EXP, List.of(logVar), p + "variance");
            ONNXRef<?> t = op(ctx, ONNXOperators.ADD, p + "kl_a", mu2, var);
            t = op(ctx, ONNXOperators.SUB, p + "kl_b", t, logVar);
            t = op(ctx, ONNXOperators.SUB, p + "kl_c", t, ctx.constant(p + "one", 1f));
            ONNXRef<?> klSum = ctx.operation(ONNXOperators.REDUCE_SUM, List.of(t, axes), p + "kl_sum", Map.of("keepdims", 0));
            ONNXRef<?> klWeighted = op(ctx, ONNXOperators.MUL, p + "kl_weighted", klSum,
                    ctx.constant(p + "half_beta", (float) (0.5 * vae.beta())));
            return new Outputs(op(ctx, ONNXOperators.ADD, p + "negative_elbo", rec, klWeighted), errors, recon, mu);
        }
        throw new IllegalArgumentException("cannot export " + net.getClass().getSimpleName());
    }

    /** Dense layers in order on {@code x}, named {@code prefix + (first + i)}. */
    private static ONNXRef<?> stack(ONNXContext ctx, TrainedModel model, List<Dense> layers, ONNXRef<?> x, String prefix, int first) {
        ONNXRef<?> h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = dense(ctx, model, layers.get(i), h, prefix + (first + i));
        }
        return h;
    }

    private static ONNXRef<?> dense(ONNXContext ctx, TrainedModel model, Dense d, ONNXRef<?> x, String name) {
        float[] w = new float[d.in() * d.out()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) model.parameter(d.offset() + i);
        }
        float[] bias = new float[d.out()];
        for (int j = 0; j < bias.length; j++) {
            bias[j] = (float) model.parameter(d.biasOffset() + j);
        }
        ONNXRef<?> weights = ctx.floatTensor(name + "_W", List.of(d.in(), d.out()), fb -> fb.put(w));
        ONNXRef<?> b = ctx.array(name + "_b", bias);
        ONNXNode gemm = ctx.operation(ONNXOperators.GEMM, List.of(x, weights, b), name + "_gemm");
        ONNXOperator act = switch (d.activation()) {
            case IDENTITY -> null;
            case RELU -> KadeOperators.RELU;
            case TANH -> KadeOperators.TANH;
            case SIGMOID -> ONNXOperators.SIGMOID;
        };
        return act == null ? gemm : ctx.operation(act, List.of(gemm), name + "_" + d.activation().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static ONNXNode op(ONNXContext ctx, ONNXOperator op, String name, ONNXRef<?> a, ONNXRef<?> b) {
        return ctx.operation(op, List.of(a, b), name);
    }

    /** tribuo declares every output as [batch, k]; the contract's score is a vector [batch]. */
    private static OnnxMl.GraphProto withVectorScore(OnnxMl.GraphProto graph) {
        OnnxMl.GraphProto.Builder g = graph.toBuilder();
        for (int i = 0; i < g.getOutputCount(); i++) {
            if (g.getOutput(i).getName().equals(ModelContract.OUTPUT_SCORE)) {
                OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .build();
                OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape))
                        .build();
                g.setOutput(i, g.getOutput(i).toBuilder().setType(type));
            }
        }
        return g.build();
    }

    /**
     * ReduceMean's attributes over the feature axis, in a fixed order. Not {@code Map.of}: its iteration order is
     * salted per JVM, so the node's attributes, and with them the model file's bytes, came out in either order
     * from one run to the next although every weight was the same.
     */
    private static Map<String, Object> meanOverFeatures() {
        Map<String, Object> a = new java.util.LinkedHashMap<>();
        a.put("axes", new int[] {1});
        a.put("keepdims", 0);
        return a;
    }
}
