package dev.kade.stream;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics the scorer reads and writes. Every topic carries raw bytes ({@link #SERDE}): input is read
 * as bytes so that reading itself never fails (a record that is not JSON becomes a dead letter, not a
 * deserialisation error), and outputs are JSON (alerts, scores) or the original bytes (dead letters).
 *
 * @param input      topics of JSON records to score
 * @param alerts     anomalies, one JSON alert per record at or above the threshold
 * @param scores     optional: every scored record with its score
 * @param deadLetter records that cannot be scored, original key and bytes, reason in headers
 */
public record Topics(List<String> input, String alerts, Optional<String> scores, String deadLetter) {
    /** Keys and values on every kade topic are bytes. */
    public static final Serde<byte[]> SERDE = Serdes.ByteArray();

    public Topics {
        input = List.copyOf(Objects.requireNonNull(input, "input"));
        if (input.isEmpty()) {
            throw new IllegalArgumentException("at least one input topic");
        }
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(deadLetter, "deadLetter");
    }
}
