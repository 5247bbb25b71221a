package dev.kade.archfixture.stream;

/** Breaks "stream does not depend on ONNX Runtime", with an inline fully qualified name (no import). */
public final class UsesOnnxRuntime {
    private UsesOnnxRuntime() {
    }

    static Object environment() {
        return ai.onnxruntime.OrtEnvironment.getEnvironment();
    }
}
