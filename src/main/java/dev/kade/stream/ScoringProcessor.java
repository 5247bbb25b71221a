package dev.kade.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kade.features.FeatureException;
import dev.kade.features.FeatureExtractor;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import dev.kade.model.Scores;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts, scores and routes one record: an anomaly to the alert sink, every scored record to the
 * scores sink (when configured), anything unreadable or unscorable to the dead-letter sink with its
 * original key and bytes. Every record read ends in exactly one of "scored" or "dead-lettered".
 */
final class ScoringProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);

    private final TopologyConfig config;
    private final ModelRegistry models;
    private final KadeMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;

    ScoringProcessor(TopologyConfig config, ModelRegistry models, KadeMetrics metrics) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        OutputRecords.Source source = source();
        metrics.recordIn(source.topic());
        try (ModelRegistry.Lease lease = models.acquire()) {
            ServingModel model = lease.model();
            JsonNode input;
            float[] row;
            try {
                input = FeatureExtractor.parse(record.value());
                row = model.extractor().extract(input);
            } catch (FeatureException e) {
                deadLetter(record, source, e.error().label(), e.getMessage(), e.feature().orElse(null), model.metadata());
                return;
            }
            score(record, source, model, input, row);
        }
    }

    private void score(Record<byte[], byte[]> record, OutputRecords.Source source, ServingModel model, JsonNode input,
                       float[] row) {
        ModelMetadata meta = model.metadata();
        float score;
        float[] errors;
        long t0 = System.nanoTime();
        try {
            Scores s = model.scorer().score(new float[][] {row});
            score = s.score()[0];
            errors = s.featureErrors()[0];
        } catch (RuntimeException e) {
            LOG.warn("model {} failed on {}: {}", meta.version(), source, e.toString());
            deadLetter(record, source, KadeMetrics.REASON_SCORING_FAILED, "model failed: " + e, null, meta);
            return;
        }
        long nanos = System.nanoTime() - t0;
        if (!Float.isFinite(score)) {
            deadLetter(record, source, KadeMetrics.REASON_SCORING_FAILED, "model gave a non-finite score: " + score, null, meta);
            return;
        }
        boolean anomaly = score >= meta.threshold();
        // render every output before forwarding any, so a failure here (a bug) leaves no partial output
        // and the record goes whole to the dead-letter topic through the processing exception handler
        byte[] alert = anomaly ? OutputRecords.alert(record.key(), input, score, errors, meta, config.topFeatures(),
                Instant.ofEpochMilli(record.timestamp()), config.clock().instant(), source) : null;
        byte[] scoreRecord = config.topics().scores().isPresent()
                ? OutputRecords.score(score, anomaly, meta, source) : null;
        metrics.scored(score, nanos, anomaly);
        if (scoreRecord != null) {
            context.forward(record.withValue(scoreRecord).withHeaders(new RecordHeaders()), ScoringTopology.SCORES_SINK);
        }
        if (alert != null) {
            context.forward(record.withValue(alert).withHeaders(new RecordHeaders()), ScoringTopology.ALERTS_SINK);
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, OutputRecords.Source source, String reason, String detail,
                            String feature, ModelMetadata model) {
        Headers h = new RecordHeaders(record.headers().toArray());
        put(h, DeadLetterHeaders.REASON, reason);
        put(h, DeadLetterHeaders.DETAIL, detail);
        if (feature != null) {
            put(h, DeadLetterHeaders.FEATURE, feature);
        }
        put(h, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
        put(h, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        put(h, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        put(h, DeadLetterHeaders.TIMESTAMP, config.clock().instant().toString());
        put(h, DeadLetterHeaders.MODEL_VERSION, model.version());
        metrics.deadLetter(reason);
        context.forward(record.withHeaders(h), ScoringTopology.DEAD_LETTER_SINK);
    }

    private OutputRecords.Source source() {
        RecordMetadata m = context.recordMetadata().orElse(null);
        return m == null ? new OutputRecords.Source("unknown", -1, -1)
                : new OutputRecords.Source(m.topic(), m.partition(), m.offset());
    }

    private static void put(Headers h, String name, String value) {
        h.remove(name);
        h.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}
