package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file moves of promote and rollback, sidecars included (bytes stand in for models: no model is loaded here). */
class ModelSlotsTest {
    @TempDir
    Path dir;

    @Test
    void promoteKeepsTheChampionAndItsSidecarAndRollbackTwiceUndoesItself() throws Exception {
        Path model = Files.writeString(dir.resolve("model.onnx"), "champion");
        Files.writeString(ModelFiles.sidecar(model), "champion-sidecar");
        Path shadow = Files.writeString(Files.createDirectories(dir.resolve("shadow")).resolve("model.onnx"), "challenger");
        ModelSlots slots = new ModelSlots(model, shadow, ModelSlots.defaultPrevious(model));

        slots.promote();
        assertThat(Files.readString(model)).isEqualTo("challenger");
        assertThat(ModelFiles.sidecar(model)).as("the shadow had no sidecar").doesNotExist();
        assertThat(Files.readString(dir.resolve("model.onnx.previous"))).isEqualTo("champion");
        assertThat(Files.readString(ModelFiles.sidecar(dir.resolve("model.onnx.previous")))).isEqualTo("champion-sidecar");
        assertThat(Files.readString(shadow)).as("the shadow slot is left as it was").isEqualTo("challenger");

        slots.rollback();
        assertThat(Files.readString(model)).isEqualTo("champion");
        assertThat(Files.readString(ModelFiles.sidecar(model))).isEqualTo("champion-sidecar");
        assertThat(Files.readString(slots.previous())).isEqualTo("challenger");
        slots.rollback();
        assertThat(Files.readString(model)).isEqualTo("challenger");
        assertThat(Files.readString(slots.previous())).isEqualTo("champion");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary or parked file left").containsExactlyInAnyOrder("model.onnx", "model.onnx.previous",
                            "model.onnx.previous.kade.json", "shadow");
        }
    }
}
