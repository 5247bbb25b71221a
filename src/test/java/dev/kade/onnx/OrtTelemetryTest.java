package dev.kade.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The telemetry opt-out kade relies on (the process-level check is {@code PackagedJarsIT}). */
class OrtTelemetryTest {

    @Test
    void optOutTakesTheValuesOnnxRuntimeTakes() {
        for (String yes : new String[] {"1", "true", "TRUE", " yes ", "on"}) {
            assertThat(OrtTelemetry.optedOut(Map.of(OrtTelemetry.OPT_OUT, yes))).as(yes).isTrue();
        }
        for (String no : new String[] {"", "0", "false", "no", "off", "maybe"}) {
            assertThat(OrtTelemetry.optedOut(Map.of(OrtTelemetry.OPT_OUT, no))).as(no).isFalse();
        }
        assertThat(OrtTelemetry.optedOut(Map.of())).isFalse();
        assertThat(OrtTelemetry.optedOut(Map.of("ORT_TELEMETRY_DISABLED", "1"))).as("a later release's name").isFalse();
    }

    /**
     * The native library in the build still reads the variable the image sets: a runtime upgrade that renames it
     * (upstream sources after 1.29 call it ORT_TELEMETRY_DISABLED) fails here, not silently in production.
     */
    @Test
    void theShippedNativeLibraryReadsTheOptOutVariable() throws IOException {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT).contains("aarch64") ? "aarch64" : "x64";
        String resource = "/ai/onnxruntime/native/linux-" + arch + "/libonnxruntime.so";
        try (InputStream in = OrtEnvironment.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            String library = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(library).as("the runtime's telemetry opt-out variable").contains(OrtTelemetry.OPT_OUT + "\0");
            assertThat(library).as("the telemetry the opt-out is for").contains("OneCollector");
        }
    }
}
