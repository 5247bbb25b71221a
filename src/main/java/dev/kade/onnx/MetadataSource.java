package dev.kade.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a served model's metadata comes from: the ONNX file's metadata_props when they carry kade's keys
 * (kade's own export), else the sidecar {@code MODEL.onnx.kade.json} beside a foreign model
 * ({@link ModelFiles#sidecar}, written by {@code kade calibrate}).
 */
final class MetadataSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataSource() {
    }

    /** Metadata from the ONNX file when it has kade keys, else from the sidecar JSON beside it. */
    static ModelMetadata read(Path path, Map<String, String> onnxMetadata, long maxBytes) {
        if (onnxMetadata.containsKey(ModelContract.KEY_FEATURES)) {
            return ModelMetadata.fromOnnxMetadata(onnxMetadata);
        }
        Path sidecar = ModelFiles.sidecar(path);
        if (!Files.isRegularFile(sidecar)) {
            throw new InvalidModelException("model " + path + " has no kade metadata (" + ModelContract.KEY_FEATURES
                    + ") and no sidecar " + sidecar.getFileName() + "; for a foreign model run `kade calibrate`");
        }
        try {
            JsonNode node = JSON.readTree(ModelFiles.readBounded(sidecar, "sidecar", maxBytes));
            Map<String, String> m = new LinkedHashMap<>(onnxMetadata);
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                m.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
            return ModelMetadata.fromOnnxMetadata(m);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read sidecar " + sidecar + ": " + e.getMessage(), e);
        }
    }
}
