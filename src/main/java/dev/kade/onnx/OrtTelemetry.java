package dev.kade.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ONNX Runtime's telemetry off.
 *
 * <p>The official ONNX Runtime 1.29 Linux and macOS binaries (the ones in the Maven artifact) start a 1DS
 * telemetry client when the library loads: it writes a persistent device id and an event queue under
 * {@code $XDG_CACHE_HOME} or {@code ~/.cache/Microsoft/DeveloperTools/.onnxruntime/} and uploads to Microsoft's
 * collector. Besides a process-information event it records one event per session with the model's graph
 * name, domain and its metadata map, which for a kade model holds the feature names; checked with
 * {@code strace} and the queue's contents on 1.29.0. A stream processor on a customer's cluster must not do
 * that, so kade turns it off in two ways:
 * <ul>
 *   <li>the environment variable {@value #OPT_OUT}{@code =1}, read by the native library when it loads, is
 *       the only full opt-out (nothing written, nothing sent). A JVM cannot set its own process environment,
 *       so the container image and the Kubernetes manifests set it, and a process started without it logs
 *       one warning naming it;</li>
 *   <li>{@link OrtEnvironment#setTelemetry(boolean) setTelemetry(false)} right after the environment is
 *       created, which stops the session and model events in a process started without the variable (the
 *       process-information event and the device id are recorded before any API call can stop them).</li>
 * </ul>
 * The variable's name is the one 1.29.0's library reads (later upstream sources call it
 * {@code ORT_TELEMETRY_DISABLED}); {@code OrtTelemetryTest} checks that the shipped library still contains
 * it and that a process with it set writes nothing, so an upgrade that renames it fails the build.
 */
public final class OrtTelemetry {
    private static final Logger LOG = LoggerFactory.getLogger(OrtTelemetry.class);

    /** The environment variable that turns ONNX Runtime's telemetry off before it starts. */
    public static final String OPT_OUT = "ORT_DISABLE_TELEMETRY";

    private static final Set<String> TRUTHY = Set.of("1", "true", "yes", "on");

    private OrtTelemetry() {
    }

    /** Whether {@code environment} opts out of ONNX Runtime's telemetry ({@value #OPT_OUT} = 1, true, yes or on). */
    public static boolean optedOut(Map<String, String> environment) {
        String v = environment.get(OPT_OUT);
        return v != null && TRUTHY.contains(v.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Turns the runtime's telemetry events off on a freshly created environment and warns, once, when the
     * process was started without the full opt-out.
     */
    static void disable(OrtEnvironment env, Map<String, String> environment) {
        try {
            env.setTelemetry(false);
        } catch (OrtException | RuntimeException e) {
            LOG.warn("could not turn ONNX Runtime's telemetry events off: {}", e.toString());
        }
        if (!optedOut(environment)) {
            LOG.warn("ONNX Runtime {} records a device id and a process event under ~/.cache/Microsoft for upload to "
                    + "Microsoft unless {}=1 is set in the environment before it starts; kade turned its session and "
                    + "model events off. Set {}=1 to turn off the rest (the container image does).",
                    env.getVersion(), OPT_OUT, OPT_OUT);
        }
    }
}
