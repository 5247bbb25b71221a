package dev.kade.testing;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kade.demo.DemoData;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real kade models for reliability tests: trained by kade's trainer on the first rows of the shuttle data
 * set shipped in the jar (never {@code ../shared}), exported by {@link OnnxExporter}, and held as ONNX
 * bytes so that each test writes its own files. {@link #withMetadata} makes the lying variants: the same
 * graph with edited metadata_props, as a hand edit or a careless pipeline would leave it.
 */
public final class ShuttleModels {
    /** Rows of shuttle.train.csv the models are trained on (enough for a stable model, quick to train). */
    static final int ROWS = 3000;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

    private ShuttleModels() {
    }

    /** The training data: the first {@value #ROWS} rows of the shuttle data set in the jar. */
    public static DataSet shuttle() {
        return Holder.SHUTTLE;
    }

    /** An AE trained on {@link #shuttle()} (seed 1). */
    public static byte[] ae() {
        return Holder.AE.clone();
    }

    /** A VAE trained on {@link #shuttle()}. */
    public static byte[] vae() {
        return Holder.VAE.clone();
    }

    /** Another AE on the same data with another seed: same features and fingerprint, other weights. */
    public static byte[] otherAe() {
        return Holder.OTHER_AE.clone();
    }

    /**
     * An AE trained on a different data set (synthetic, same width) whose feature names were relabelled to
     * shuttle's: its own probe, quantiles and threshold are honest, its fingerprint is its own data's.
     */
    public static byte[] relabelled() {
        return Holder.RELABELLED.clone();
    }

    /** Writes bytes to {@code file} atomically (as a deployment would replace a model) and returns it. */
    public static Path write(Path file, byte[] onnx) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".part");
            Files.write(tmp, onnx);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model's metadata_props as a map. */
    public static Map<String, String> metadata(byte[] onnx) {
        Map<String, String> m = new LinkedHashMap<>();
        for (OnnxMl.StringStringEntryProto e : parse(onnx).getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * The same graph with metadata_props edited: each entry of {@code changes} sets a key, a null value
     * removes it.
     */
    public static byte[] withMetadata(byte[] onnx, Map<String, String> changes) {
        Map<String, String> m = metadata(onnx);
        changes.forEach((k, v) -> {
            if (v == null) {
                m.remove(k);
            } else {
                m.put(k, v);
            }
        });
        OnnxMl.ModelProto.Builder b = parse(onnx).toBuilder().clearMetadataProps();
        m.forEach((k, v) -> b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build().toByteArray();
    }

    /**
     * The same model without the optional outputs {@code reconstruction} and {@code latent}: what an export
     * made before they existed looks like (the graph still computes them, nobody can ask for them).
     */
    public static byte[] withoutOptionalOutputs(byte[] onnx) {
        OnnxMl.ModelProto proto = parse(onnx);
        OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
        for (int i = g.getOutputCount() - 1; i >= 0; i--) {
            String name = g.getOutput(i).getName();
            if (name.equals(dev.kade.model.ModelContract.OUTPUT_RECONSTRUCTION) || name.equals(dev.kade.model.ModelContract.OUTPUT_LATENT)) {
                g.removeOutput(i);
            }
        }
        return proto.toBuilder().setGraph(g).build().toByteArray();
    }

    private static OnnxMl.ModelProto parse(byte[] onnx) {
        try {
            return OnnxMl.ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] train(DataSet data, TrainConfig config) {
        return OnnxExporter.toProto(new Trainer(CLOCK).train(data, config, ProgressListener.NONE)).toByteArray();
    }

    /** Trained once per test JVM, on first use. */
    private static final class Holder {
        static final DataSet SHUTTLE = firstRows(DataSetReader.readResource(DemoData.TRAIN_RESOURCE,
                DataSetReader.Options.defaults()), ROWS);
        static final byte[] AE = train(SHUTTLE, Fixtures.quick(ModelKind.AE));
        static final byte[] VAE = train(SHUTTLE, Fixtures.quick(ModelKind.VAE));
        static final byte[] OTHER_AE = train(SHUTTLE, Fixtures.quick(ModelKind.AE).withSeed(7));
        static final byte[] RELABELLED = relabel(train(Fixtures.correlated(ROWS, SHUTTLE.width(), 5),
                Fixtures.quick(ModelKind.AE)));

        private static DataSet firstRows(DataSet d, int n) {
            return DataSet.of(d.features(), Arrays.copyOf(d.rows(), Math.min(n, d.size())), d.source());
        }

        private static byte[] relabel(byte[] onnx) {
            String names = metadata(AE).get(ModelContract.KEY_FEATURES);
            return withMetadata(onnx, Map.of(ModelContract.KEY_FEATURES, names));
        }
    }
}
