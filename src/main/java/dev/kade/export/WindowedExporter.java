package dev.kade.export;

import ai.onnx.proto.OnnxMl;
import dev.kade.model.ModelContract;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesSpec;
import dev.kade.train.WindowedModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * Writes a {@link WindowedModel} as an ONNX model that meets the windowed model contract: the graph
 * {@link OnnxExporter} makes of the inner model (which reads one W·F-wide row of normalised values), with the
 * per-entity normalisation put in front of it and the window's shape restored behind it.
 *
 * <p>Inputs: {@value ModelContract#INPUT} float32 [N, W, F] raw values, oldest step first, and (unless the
 * spec's normalisation is {@link Normalisation#NONE}) {@value #INPUT_ENTITY_STATS} float32 [N, 2, F], the
 * entity's mean ([i,0,:]) and scale ([i,1,:]) before the scored step. In the graph:
 * {@code Split} the statistics on axis 1, {@code z = (features − mean) / scale} (broadcast over the steps),
 * {@code Clip} to ±{@link SeriesSpec#clip()} when set, {@code Reshape} to [N, W·F], then the inner graph unchanged (its own standardiser, network(s), score and, for
 * an ensemble, member scaling). Behind it: {@value ModelContract#OUTPUT_SCORE} [N] as the inner graph computes
 * it; {@value ModelContract#OUTPUT_FEATURE_ERRORS} [N, F], the inner W·F errors reshaped to [N, W, F] and
 * averaged over the steps ({@code ReduceMean} on axis 1; for an AE the score is still their mean);
 * {@value ModelContract#OUTPUT_RECONSTRUCTION} [N, W, F] in raw units, the inner reconstruction reshaped and
 * mapped back with {@code ·scale + mean}; {@value ModelContract#OUTPUT_LATENT} [N, L] as the inner graph has it.
 *
 * <p>Metadata: the model's {@link dev.kade.model.ModelMetadata} (F per-step feature names), the
 * {@link SeriesSpec} keys ({@value SeriesSpec#KEY_WINDOW}, {@value SeriesSpec#KEY_STATS} and its parameters), and
 * a probe whose rows are a window's W·F raw values followed by its F means and F scales.
 */
public final class WindowedExporter {
    /** Name of the optional second input of a windowed model: the entity's running mean and scale, [N, 2, F]. */
    public static final String INPUT_ENTITY_STATS = ModelContract.INPUT_ENTITY_STATS;

    private WindowedExporter() {
    }

    /** Writes the model to {@code path}, creating parent directories. */
    public static void export(WindowedModel model, Path path) {
        Objects.requireNonNull(path, "path");
        OnnxExporter.write(toProto(model), path);
    }

    /** The complete ONNX model: the per-record export of the inner model, rewired for windows. */
    public static OnnxMl.ModelProto toProto(WindowedModel model) {
        Objects.requireNonNull(model, "model");
        OnnxMl.ModelProto inner = OnnxExporter.toProto(model.inner());
        OnnxMl.ModelProto.Builder b = inner.toBuilder()
                .setDocString("kade windowed " + model.metadata().kind().label() + " anomaly model (W="
                        + model.spec().window() + "); see the model contract in the README")
                .setGraph(graph(model, inner.getGraph()))
                .clearMetadataProps();
        Map<String, String> meta = new LinkedHashMap<>(model.metadata().toOnnxMetadata());
        for (OnnxMl.StringStringEntryProto e : inner.getMetadataPropsList()) {
            if (e.getKey().equals(ModelContract.KEY_LATENT_DIM) || e.getKey().equals(ModelContract.KEY_LATENT_MEMBER)) {
                meta.put(e.getKey(), e.getValue());
            }
        }
        meta.forEach((k, v) -> b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    private static final String FLAT = "series_window_flat";
    private static final String STEP_ERRORS = "series_step_feature_errors";
    private static final String FLAT_RECON = "series_window_reconstruction_flat";

    static OnnxMl.GraphProto graph(WindowedModel model, OnnxMl.GraphProto inner) {
        SeriesSpec spec = model.spec();
        int w = spec.window();
        int f = spec.features();
        boolean stats = spec.normalisation() != Normalisation.NONE;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName(inner.getName() + "_window" + w);
        g.addInput(valueInfo(ModelContract.INPUT, f, w));
        if (stats) {
            g.addInput(valueInfo(INPUT_ENTITY_STATS, f, 2));
        }
        g.addInitializer(longs("series_flat_shape", 0, (long) w * f));
        g.addInitializer(longs("series_window_shape", 0, w, f));
        g.addInitializer(longs("series_step_axis", 1));
        String source = ModelContract.INPUT;
        if (stats) {
            g.addNode(node("Split", "series_split_stats", List.of(INPUT_ENTITY_STATS), List.of("series_mean", "series_scale"))
                    .addAttribute(intAttribute("axis", 1)));
            g.addNode(node("Sub", "series_centre", List.of(ModelContract.INPUT, "series_mean"), List.of("series_centred")));
            g.addNode(node("Div", "series_normalise", List.of("series_centred", "series_scale"), List.of("series_normalised")));
            source = "series_normalised";
        }
        if (spec.clip() > 0) {
            g.addInitializer(scalar("series_clip_min", (float) -spec.clip()));
            g.addInitializer(scalar("series_clip_max", (float) spec.clip()));
            g.addNode(node("Clip", "series_clip", List.of(source, "series_clip_min", "series_clip_max"), List.of("series_clipped")));
            source = "series_clipped";
        }
        g.addNode(node("Reshape", "series_flatten", List.of(source, "series_flat_shape"), List.of(FLAT)));

        Map<String, String> rename = Map.of(ModelContract.INPUT, FLAT,
                ModelContract.OUTPUT_FEATURE_ERRORS, STEP_ERRORS,
                ModelContract.OUTPUT_RECONSTRUCTION, FLAT_RECON);
        g.addAllInitializer(inner.getInitializerList());
        for (OnnxMl.NodeProto n : inner.getNodeList()) {
            OnnxMl.NodeProto.Builder nb = n.toBuilder();
            for (int i = 0; i < nb.getInputCount(); i++) {
                nb.setInput(i, rename.getOrDefault(nb.getInput(i), nb.getInput(i)));
            }
            for (int i = 0; i < nb.getOutputCount(); i++) {
                nb.setOutput(i, rename.getOrDefault(nb.getOutput(i), nb.getOutput(i)));
            }
            g.addNode(nb);
        }

        g.addNode(node("Reshape", "series_step_errors", List.of(STEP_ERRORS, "series_window_shape"), List.of("series_step_errors_3d")));
        // ReduceMean takes its axes as an attribute up to opset 17
        g.addNode(node("ReduceMean", "series_errors_over_steps", List.of("series_step_errors_3d"),
                List.of(ModelContract.OUTPUT_FEATURE_ERRORS))
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axes").setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(1))
                .addAttribute(intAttribute("keepdims", 0)));
        String recon = stats ? "series_reconstruction_normalised" : ModelContract.OUTPUT_RECONSTRUCTION;
        g.addNode(node("Reshape", "series_reconstruction_window", List.of(FLAT_RECON, "series_window_shape"), List.of(recon)));
        if (stats) {
            g.addNode(node("Mul", "series_reconstruction_scale", List.of(recon, "series_scale"), List.of("series_reconstruction_scaled")));
            g.addNode(node("Add", "series_reconstruction_raw", List.of("series_reconstruction_scaled", "series_mean"),
                    List.of(ModelContract.OUTPUT_RECONSTRUCTION)));
        }

        for (OnnxMl.ValueInfoProto out : inner.getOutputList()) {
            switch (out.getName()) {
                case ModelContract.OUTPUT_FEATURE_ERRORS -> g.addOutput(valueInfo(ModelContract.OUTPUT_FEATURE_ERRORS, f));
                case ModelContract.OUTPUT_RECONSTRUCTION -> g.addOutput(valueInfo(ModelContract.OUTPUT_RECONSTRUCTION, f, w));
                default -> g.addOutput(out); // score [N], latent [N, L]
            }
        }
        return g.build();
    }

    private static OnnxMl.NodeProto.Builder node(String op, String name, List<String> inputs, List<String> outputs) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addAllOutput(outputs);
    }

    private static OnnxMl.AttributeProto intAttribute(String name, long v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static OnnxMl.TensorProto scalar(String name, float value) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addFloatData(value).build();
    }

    private static OnnxMl.TensorProto longs(String name, long... values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /** float32 [batch, middle..., last]: {@code valueInfo(name, F, W)} is [batch, W, F]. */
    private static OnnxMl.ValueInfoProto valueInfo(String name, int last, int... middle) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int m : middle) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(m));
        }
        shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(last));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    static {
        // the graph is written for the exporter's opset (13): Split without a 'split' input, ReduceMean with 'axes'
        if (ONNXOperators.getOpsetVersion() > 17) {
            throw new IllegalStateException("WindowedExporter writes opset <= 17 operators, tribuo declares "
                    + ONNXOperators.getOpsetVersion());
        }
    }
}
