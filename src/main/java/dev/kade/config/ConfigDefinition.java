package dev.kade.config;

import static dev.kade.config.KadeConfig.*;
import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.NO_DEFAULT_VALUE;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Builds {@link KadeConfig#DEFINITION}: every kade-level key with its type, default, validator, importance and
 * documentation, in documentation order (the keys themselves are {@link KadeConfig}'s, {@link SeriesKeys}'s and {@link AlertKeys}'s
 * constants). Kept apart from the typed accessors so that each class stays readable.
 */
final class ConfigDefinition {
    private ConfigDefinition() {
    }

    static ConfigDef build() {
        return LifecycleKeys.define(OutputKeys.define(AlertKeys.define(SeriesKeys.define(InputKeys.define(new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, NO_DEFAULT_VALUE, Validators.nonBlank("host:port,..."), HIGH,
                    "Kafka bootstrap servers.")
            .define(APPLICATION_ID, Type.STRING, "kade", Validators.topic(), HIGH,
                    "Kafka Streams application id: the consumer group, the transactional id prefix and the prefix of "
                            + "internal topics.")
            .define(INPUT_TOPICS, Type.LIST, NO_DEFAULT_VALUE, Validators.topics(), HIGH,
                    "Topics of records to score (JSON objects, or Avro with input.format=avro), comma-separated.")
            ) // how input values are written (json, avro through a schema registry), in InputKeys, beside the topics
            .define(ALERT_TOPIC, Type.STRING, "kade-alerts", Validators.topic(), HIGH,
                    "Where anomalies go, one JSON alert each.")
            .define(SCORES_TOPIC, Type.STRING, null, Validators.topic(), MEDIUM,
                    "Optional: every scored record with its score. Unset: scores are not written.")
            .define(SCORES_INCLUDE_LATENT, Type.BOOLEAN, false, null, LOW,
                    "Put the model's latent code (AE bottleneck, VAE mean) on every scores record as a JSON array "
                            + "`latent`, for downstream use as a dimensionality reduction. Needs `scores.topic` and a "
                            + "model with a `latent` output (every `kade train` export); a model without one is refused "
                            + "at start and on reload.")
            .define(DEAD_LETTER_TOPIC, Type.STRING, "kade-dead-letters", Validators.topic(), HIGH,
                    "Where records that cannot be scored go: original key and bytes, reason in headers.")
            .define(TOPICS_CREATE, Type.BOOLEAN, false, null, MEDIUM,
                    "Create missing output topics at start (as `kade topics` does); input topics are never created.")
            .define(TOPICS_WAIT_MS, Type.LONG, WAIT_FOREVER, Range.atLeast(WAIT_FOREVER), MEDIUM,
                    "How long `run` waits for missing topics (input, or output with `topics.create=false`) before it exits 2. "
                            + "While it waits it serves `/health` (ready: 503 naming the topics) and starts "
                            + "scoring as soon as they exist. -1: no limit (an operator such as Strimzi may create them "
                            + "as the pod starts); 0: exit 2 at once.")
            .define(MODEL_PATH, Type.STRING, NO_DEFAULT_VALUE, Validators.nonBlank("the ONNX model file"), HIGH,
                    "The ONNX model file; watched for changes and hot-reloaded.")
            .define(MODEL_POLL_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(100), LOW,
                    "How often the model file is checked for changes.")
            .define(MODEL_MAX_BYTES, Type.LONG, DEFAULT_MODEL_MAX_BYTES, Range.between(1024, MAX_MODEL_MAX_BYTES), LOW,
                    "Model files (and sidecars) larger than this are refused before they are read, at start and on "
                            + "reload.")
            .define(MODEL_REQUIRE_FINGERPRINT, Type.STRING, null, null, LOW,
                    "Optional: serve only models whose training-data fingerprint (`kade.training_fingerprint`, "
                            + "printed by `kade train`) is this value; others are refused at start and on reload.")
            .define(PROCESSING_GUARANTEE, Type.STRING, "exactly_once_v2", Validators.oneOf(ProcessingGuarantee.class),
                    HIGH, "Kafka Streams processing guarantee.")
            .define(BATCH_MAX_RECORDS, Type.INT, 256, Range.between(1, 10_000), MEDIUM,
                    "Most records scored in one ONNX Runtime call; 1 scores each record on its own. A batch is scored "
                            + "inside rebalance callbacks too, so it is capped far below max.poll.interval.ms.")
            .define(BATCH_MAX_WAIT_MS, Type.LONG, 5L, Range.between(0, 60_000), MEDIUM,
                    "Longest a record waits for its batch to fill before the batch is scored anyway (a wall-clock "
                            + "punctuation armed by the batch's first record, run between polls). Every commit scores and "
                            + "sends the batch first, whatever this is.")
            .define(ALERT_TOP_FEATURES, Type.INT, 3, Range.between(0, 1000), MEDIUM,
                    "How many contributing features an alert lists.")
            )) // the per-entity settings of windowed models (SeriesKeys), then the alert settings (AlertKeys), keep their
               // place in the documentation
            .define(OUTPUT_MAX_BYTES, Type.INT, null, Validators.optionalAtLeast(MIN_OUTPUT_MAX_BYTES), MEDIUM,
                    "Largest output record (key + value + headers) kade sends; larger alerts are truncated, larger dead "
                            + "letters sent as reference records. Unset: the producer's max.request.size less 1 KiB.")
            ) // what alerts and scores carry from their input (headers, fields), in OutputKeys, beside the output bound
            .define(METRICS_PORT, Type.INT, 9404, Range.between(0, 65535), MEDIUM,
                    "HTTP port of /metrics and /health; 0 picks a free port.")
            .define(METRICS_BIND_ADDRESS, Type.STRING, "0.0.0.0", Validators.bindAddress(), LOW,
                    "Address the HTTP server binds: all interfaces for Kubernetes probes, or 127.0.0.1.")
            .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1), LOW,
                    "Bound on a graceful shutdown.")
            .define(HEALTH_PROGRESS_TIMEOUT_MS, Type.LONG, 60_000L, Range.atLeast(1000), MEDIUM,
                    "How long an owned input partition with lag may go without its committed offset moving before "
                            + "`/health/ready` answers 503 naming it and `kade_partitions_stalled` counts it. Must be "
                            + "longer than the commit interval.")
            .define(UNCHECKED_KAFKA_KEYS, Type.LIST, "", null, LOW,
                    "Pass-through keys Kafka does not define (a plugin's own options), passed without checking and "
                            + "always redacted in logs, e.g. `basic.auth.user.info`."));
    }
}
