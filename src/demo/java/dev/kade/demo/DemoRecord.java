package dev.kade.demo;

import java.util.Objects;

/**
 * One record the demo sends: its key, the bytes on the wire, and what the demo knows about it.
 *
 * @param key       record key, unique per record so alerts can be matched back to labels
 * @param value     value bytes; null for a tombstone
 * @param anomaly   true when the row is a labelled anomaly of the data set
 * @param malformed true when the demo broke the record on purpose; it must be dead-lettered
 */
public record DemoRecord(String key, byte[] value, boolean anomaly, boolean malformed) {
    public DemoRecord {
        Objects.requireNonNull(key, "key");
    }
}
