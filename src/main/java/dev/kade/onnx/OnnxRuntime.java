package dev.kade.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * ONNX Runtime start-up: the one shared {@link OrtEnvironment}, and sessions opened the way kade scores.
 *
 * <p>The environment is created the first time on a thread with a 64 MB stack. Loading ONNX Runtime 1.29's
 * native library needs more stack than a JVM thread has by default: in a plain {@code java -jar} process the
 * first {@code OrtEnvironment.getEnvironment()} on the main thread (1 MB stack) dies with SIGSEGV and no
 * hs_err file (seen here; -Xss4m also avoids it). Once the library is loaded, sessions and inference run
 * fine on ordinary threads. Telemetry is turned off at once ({@link OrtTelemetry}).
 */
final class OnnxRuntime {
    private OnnxRuntime() {
    }

    /** The shared environment (ONNX Runtime intends one per process; it is never closed). */
    static OrtEnvironment environment() {
        return EnvironmentHolder.ENV;
    }

    /**
     * A session for scoring: stream threads give the parallelism, so one intra-op and one inter-op thread
     * keep a call cheap and predictable; all graph optimisations on.
     */
    static OrtSession scoringSession(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment().createSession(model, options);
        }
    }

    private static final class EnvironmentHolder {
        // the loading thread runs OnnxRuntime.createEnvironment, not a lambda of this class: a lambda here
        // would wait for this class's initialisation, which waits for the thread (a deadlock)
        static final OrtEnvironment ENV = createEnvironment();
    }

    private static OrtEnvironment createEnvironment() {
        OrtEnvironment[] env = new OrtEnvironment[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                env[0] = OrtEnvironment.getEnvironment();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "kade-onnxruntime-init", 64L * 1024 * 1024);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading ONNX Runtime", e);
        }
        if (failure[0] != null) {
            throw new IllegalStateException("cannot load ONNX Runtime: " + failure[0], failure[0]);
        }
        OrtTelemetry.disable(env[0], System.getenv());
        return env[0];
    }
}
