package dev.kade.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.kade.features.DataSet;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExportMetadataTest {
    @TempDir
    Path dir;

    @Test
    void metadataSurvivesARealOnnxFile() throws Exception {
        DataSet data = Fixtures.correlated(300, 4, 5);
        Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
        TrainedModel model = new Trainer(clock).train(data, Fixtures.quick(ModelKind.VAE), ProgressListener.NONE);
        Path file = dir.resolve("m.onnx");
        OnnxExporter.export(model, file);

        try (OnnxModel loaded = OnnxModel.load(file)) {
            ModelMetadata m = loaded.metadata();
            assertThat(m).isEqualTo(model.metadata());
            assertThat(m.features()).containsExactly("f0", "f1", "f2", "f3");
            assertThat(m.kind()).isEqualTo(ModelKind.VAE);
            assertThat(m.threshold()).isEqualTo(model.metadata().threshold());
            assertThat(m.distribution()).isEqualTo(model.metadata().distribution());
            assertThat(m.fingerprint()).isEqualTo(data.fingerprint()).startsWith("sha256:");
            assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
            assertThat(m.version()).isEqualTo("vae-20260304T050607Z");
            // a validation score reads as its percentile
            assertThat(m.percentile(m.threshold())).isBetween(99.0, 100.0);
        }

        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(13);
        assertThat(proto.getGraph().getInput(0).getName()).isEqualTo(ModelContract.INPUT);
        assertThat(proto.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        assertThat(proto.getGraph().getOutputList()).extracting(OnnxMl.ValueInfoProto::getName)
                .containsExactly(ModelContract.OUTPUT_SCORE, ModelContract.OUTPUT_FEATURE_ERRORS,
                        ModelContract.OUTPUT_RECONSTRUCTION, ModelContract.OUTPUT_LATENT);
        assertThat(proto.getMetadataPropsList()).anySatisfy(p -> {
            assertThat(p.getKey()).isEqualTo(ModelContract.KEY_LATENT_DIM);
            assertThat(p.getValue()).isEqualTo("3");
        });
        OnnxMl.ValueInfoProto score = proto.getGraph().getOutputList().stream()
                .filter(o -> o.getName().equals(ModelContract.OUTPUT_SCORE)).findFirst().orElseThrow();
        assertThat(score.getType().getTensorType().getShape().getDimCount()).isEqualTo(1);
    }
}
