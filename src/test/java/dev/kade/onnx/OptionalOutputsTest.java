package dev.kade.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.kade.export.OnnxExporter;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional outputs reconstruction and latent, and the decoder graph: checked when present, never required. */
class OptionalOutputsTest {
    private static final int F = 7;

    @TempDir
    Path dir;

    private static TrainedModel train(ModelKind kind) {
        return new Trainer().train(Fixtures.correlated(500, F, 3), Fixtures.quick(kind), ProgressListener.NONE);
    }

    @Test
    void aReconstructionTheErrorsWereNotComputedFromIsRefused() throws Exception {
        OnnxMl.ModelProto proto = OnnxExporter.toProto(train(ModelKind.AE));
        // the reconstruction output, stretched by 10% around zero: same shape, finite, but not what the errors saw
        Path file = dir.resolve("lying.onnx");
        Files.write(file, rewire(proto, ModelContract.OUTPUT_RECONSTRUCTION, 1.1f).toByteArray());
        assertThatThrownBy(() -> OnnxModel.load(file).close())
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("output 'reconstruction' does not agree with 'feature_errors'");

        Path honest = dir.resolve("honest.onnx");
        Files.write(honest, proto.toByteArray());
        try (OnnxModel m = OnnxModel.load(honest)) {
            assertThat(m.verification()).isEqualTo(ModelContract.Verification.VERIFIED);
        }
    }

    @Test
    void aVaeWithAnHonestReconstructionPassesAndALyingOneIsRefused() throws Exception {
        OnnxMl.ModelProto proto = OnnxExporter.toProto(train(ModelKind.VAE));
        Path honest = dir.resolve("vae.onnx");
        Files.write(honest, proto.toByteArray());
        try (OnnxModel m = OnnxModel.load(honest)) {
            assertThat(m.hasReconstruction()).isTrue();
        }
        Path lying = dir.resolve("vae-lying.onnx");
        Files.write(lying, rewire(proto, ModelContract.OUTPUT_RECONSTRUCTION, 0.8f).toByteArray());
        assertThatThrownBy(() -> OnnxModel.load(lying).close()).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("reconstruction");
    }

    @Test
    void aContractModelWithoutOptionalOutputsIsServedAndSaysSo() throws Exception {
        OnnxMl.ModelProto proto = OnnxExporter.toProto(train(ModelKind.AE));
        OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
        for (int i = g.getOutputCount() - 1; i >= 0; i--) {
            String name = g.getOutput(i).getName();
            if (name.equals(ModelContract.OUTPUT_RECONSTRUCTION) || name.equals(ModelContract.OUTPUT_LATENT)) {
                g.removeOutput(i);
            }
        }
        Path file = dir.resolve("plain.onnx");
        Files.write(file, proto.toBuilder().setGraph(g).build().toByteArray());
        try (OnnxModel m = OnnxModel.load(file)) {
            assertThat(m.hasReconstruction()).isFalse();
            assertThat(m.latentWidth()).isZero();
            float[][] rows = {new float[F]};
            assertThat(m.score(rows).size()).isEqualTo(1);
            assertThatThrownBy(() -> m.reconstruct(rows)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> m.score(new float[F], 1, new float[1], new float[F], new float[3]))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aLatentOutputOfNonFiniteValuesIsRefused() throws Exception {
        OnnxMl.ModelProto proto = OnnxExporter.toProto(train(ModelKind.AE));
        Path file = dir.resolve("nan-code.onnx");
        Files.write(file, rewire(proto, ModelContract.OUTPUT_LATENT, Float.NaN).toByteArray());
        assertThatThrownBy(() -> OnnxModel.load(file).close()).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("optional output 'latent' is not finite");
    }

    @Test
    void theDecoderGraphAgreesWithTheJavaDecoderAndAnAeHasNone() throws Exception {
        TrainedModel vae = train(ModelKind.VAE);
        Path model = dir.resolve("vae.onnx");
        OnnxExporter.export(vae, model);
        Path decoder = OnnxExporter.exportDecoder(TrainedEnsemble.of(vae), model).orElseThrow();
        assertThat(decoder.getFileName().toString()).isEqualTo("vae.decoder.onnx");
        float[][] z = {{0, 0, 0}, {1.5f, -0.5f, 2f}, {-2f, 1f, 0.25f}};
        float[][] expected = vae.decode(z);
        var env = OnnxRuntime.environment();
        try (OrtSession s = env.createSession(decoder.toString(), new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {0, 0, 0, 1.5f, -0.5f, 2f, -2f, 1f, 0.25f}),
                     new long[] {3, 3});
             OrtSession.Result r = s.run(Map.of(ModelContract.DECODER_INPUT, t))) {
            assertThat(s.getMetadata().getCustomMetadata()).containsEntry(ModelContract.KEY_GRAPH, "decoder")
                    .containsEntry(ModelContract.KEY_LATENT_DIM, "3");
            float[][] actual = (float[][]) r.get(ModelContract.INPUT).orElseThrow().getValue();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < F; j++) {
                    assertThat((double) actual[i][j]).isCloseTo(expected[i][j],
                            org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(expected[i][j]))));
                }
            }
        }
        // decoding the code of a row reproduces the model's reconstruction of it (z = μ)
        float[][] row = {Fixtures.correlated(1, F, 8).rows()[0]};
        float[] decoded = vae.decode(vae.latent(row))[0];
        float[] recon = vae.reconstruct(row)[0];
        for (int j = 0; j < F; j++) {
            assertThat((double) decoded[j]).isCloseTo(recon[j], org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(recon[j]))));
        }

        TrainedModel ae = train(ModelKind.AE);
        assertThat(OnnxExporter.exportDecoder(TrainedEnsemble.of(ae), dir.resolve("ae.onnx"))).isEmpty();
        assertThat(Files.exists(dir.resolve("ae.decoder.onnx"))).isFalse();
    }

    @Test
    void anEnsembleDecodesThroughItsFirstVaeMemberAndAnAllAeEnsembleHasNoDecoder() throws Exception {
        var data = Fixtures.correlated(500, F, 3);
        TrainedEnsemble mix = new Trainer().trainEnsemble(data, Fixtures.quick(ModelKind.AE).toBuilder().ensemble(3).mixed(true).build(),
                ProgressListener.NONE);
        Path model = dir.resolve("mix.onnx");
        OnnxExporter.export(mix, model);
        Path decoderFile = OnnxExporter.exportDecoder(mix, model).orElseThrow();
        TrainedModel vae = mix.decoderMember().orElseThrow();
        assertThat(vae).isSameAs(mix.members().get(mix.latentMember()));
        float[][] z = {{0.5f, -1f, 2f}};
        try (OnnxModel m = OnnxModel.load(model); OnnxDecoder decoder = OnnxDecoder.load(decoderFile, m.metadata())) {
            assertThat(decoder.latentWidth()).isEqualTo(m.latentWidth());
            assertThat(decoder.sigma()).containsExactly(mix.standardizer().scale());
            float[] actual = decoder.decode(z)[0];
            float[] expected = vae.decode(z)[0];
            for (int j = 0; j < F; j++) {
                assertThat((double) actual[j]).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(expected[j]))));
            }
        }
        TrainedEnsemble aes = new Trainer().trainEnsemble(data, Fixtures.quick(ModelKind.AE).toBuilder().ensemble(2).build(),
                ProgressListener.NONE);
        assertThat(aes.decoderMember()).isEmpty();
        assertThat(OnnxExporter.exportDecoder(aes, dir.resolve("aes.onnx"))).isEmpty();
    }

    /** The graph with output {@code name} multiplied by {@code factor} just before it leaves the graph. */
    static OnnxMl.ModelProto rewire(OnnxMl.ModelProto proto, String name, float factor) {
        OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
        String inner = name + "_untouched";
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            for (int o = 0; o < n.getOutputCount(); o++) {
                if (n.getOutput(o).equals(name)) {
                    g.setNode(i, n.toBuilder().setOutput(o, inner));
                }
            }
        }
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("lie_factor")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addFloatData(factor));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Mul").setName("lie").addInput(inner).addInput("lie_factor").addOutput(name));
        return proto.toBuilder().setGraph(g).build();
    }
}
