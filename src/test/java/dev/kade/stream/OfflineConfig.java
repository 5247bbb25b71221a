package dev.kade.stream;

import dev.kade.config.KadeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scorer's config for tests where start-up must refuse the model before any broker is reached: the broker
 * address is unreachable, the model is not polled again, and shutdown is quick should the model be accepted.
 */
final class OfflineConfig {
    private OfflineConfig() {
    }

    static KadeConfig of(Path model, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KadeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1");
        m.put(KadeConfig.INPUT_TOPICS, "in");
        m.put(KadeConfig.MODEL_PATH, model.toString());
        m.put(KadeConfig.METRICS_PORT, "0");
        m.put(KadeConfig.MODEL_POLL_INTERVAL_MS, Long.toString(Duration.ofHours(1).toMillis()));
        m.put(KadeConfig.SHUTDOWN_TIMEOUT_MS, "2000");
        m.putAll(extra);
        return KadeConfig.fromMap(m);
    }
}
