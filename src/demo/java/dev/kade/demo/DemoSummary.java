package dev.kade.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the demo prints last, as one JSON object: the counts the scorer reports and how well its alerts
 * match the known labels.
 *
 * @param recordsIn     records the scorer read from the input topic
 * @param scored        records it scored
 * @param deadLettered  records it dead-lettered
 * @param alerts        alerts on the alert topic
 * @param truePositives alerts whose record is a labelled anomaly
 * @param knownAnomalies labelled anomalies among the records sent
 * @param seconds       wall time of the streaming phase
 */
public record DemoSummary(long recordsIn, long scored, long deadLettered, long alerts, long truePositives,
                          long knownAnomalies, double seconds) {

    public double precision() {
        return alerts == 0 ? 0 : (double) truePositives / alerts;
    }

    public double recall() {
        return knownAnomalies == 0 ? 0 : (double) truePositives / knownAnomalies;
    }

    /** True when every record read was either scored or dead-lettered. */
    public boolean balanced() {
        return recordsIn == scored + deadLettered;
    }

    /** The one-line JSON summary; the key names are documented in the README and relied on by CI. */
    public String toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("records_in", recordsIn);
        n.put("scored", scored);
        n.put("dead_lettered", deadLettered);
        n.put("alerts", alerts);
        n.put("precision", round(precision()));
        n.put("recall", round(recall()));
        n.put("known_anomalies", knownAnomalies);
        n.put("true_positives", truePositives);
        n.put("seconds", round(seconds));
        return n.toString();
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
