package dev.kade.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One answer of a health check: healthy or not, and why not. The reasons are written for an operator
 * reading {@code /health/ready} (for example {@code "partition in-3 made no progress for 64 s (lag 1200)"}),
 * so they name the partition, the state or the broker that is at fault.
 *
 * @param healthy whether the check passed
 * @param reasons why it failed; empty when healthy
 */
public record HealthStatus(boolean healthy, List<String> reasons) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public HealthStatus {
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
        if (!healthy && reasons.isEmpty()) {
            throw new IllegalArgumentException("an unhealthy status needs a reason");
        }
    }

    public static HealthStatus ok() {
        return new HealthStatus(true, List.of());
    }

    public static HealthStatus failing(List<String> reasons) {
        return new HealthStatus(false, reasons);
    }

    public static HealthStatus failing(String reason) {
        return new HealthStatus(false, List.of(reason));
    }

    /** {@code {"status":"UP","reasons":[]}} or {@code {"status":"DOWN","reasons":[...]}}. */
    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", healthy ? "UP" : "DOWN");
        ArrayNode a = n.putArray("reasons");
        reasons.forEach(a::add);
        return n.toString() + "\n";
    }
}
