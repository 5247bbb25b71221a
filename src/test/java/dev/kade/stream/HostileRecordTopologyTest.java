package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.output.OutputLimits;
import dev.kade.output.OutputWriter;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records built to break the record path (issue 9): deep nesting beside the features, finite values that
 * overflow the score, keys too large for any output, spoofed headers. Each ends as an alert or a dead
 * letter with a reason, every output fits the limit, and in = scored + dead-lettered.
 */
class HostileRecordTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private ScoringDriver kade;
    private KadeMetrics metrics;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> scores;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void start(OutputLimits limits) {
        kade = ScoringDriver.start(dir, Map.of(), t -> t.withLimits(limits));
        metrics = kade.metrics;
        in = kade.in;
        alerts = kade.alerts;
        scores = kade.scores;
        deadLetters = kade.deadLetters;
    }

    @AfterEach
    void close() {
        if (kade != null) {
            kade.close();
        }
    }

    @Test
    void anAnomalyNestedAThousandDeepElsewhereStillAlerts() throws Exception {
        start(OutputLimits.DEFAULT);
        String deep = "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_000);
        in.pipeInput(bytes("deep"), bytes("{\"junk\":" + deep + ",\"cpu\":5,\"memory\":{\"used\":5},\"latency_ms\":13}"));
        JsonNode alert = JSON.readTree(alerts.readValue());
        assertThat(alert.get("key").asText()).isEqualTo("deep");
        assertThat(alert.get("features").get("latency_ms").asDouble()).isEqualTo(13.0);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertBalanced(1);
    }

    @Test
    void aFiniteValueThatOverflowsTheScoreIsAnAlertAtTheTopPercentileNotADeadLetter() throws Exception {
        start(OutputLimits.DEFAULT);
        in.pipeInput(bytes("huge"), bytes(TestModels.record(1.2e29, 1, 1)));
        JsonNode alert = JSON.readTree(alerts.readValue());
        assertThat(alert.get("score").isNull()).isTrue();
        assertThat(alert.get("percentile").asDouble()).isEqualTo(100.0);
        assertThat(alert.get("score_note").asText()).isEqualTo(OutputWriter.INFINITE_SCORE_NOTE);
        assertThat(alert.get("features").get("cpu").asDouble()).isEqualTo(1.2e29, org.assertj.core.api.Assertions.within(1e23));
        JsonNode score = JSON.readTree(scores.readValue());
        assertThat(score.get("anomaly").asBoolean()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertBalanced(1);
    }

    @Test
    void aKeyTooLargeForAnyOutputDeadLettersTheRecordAsOutputTooLargeAndTheNextRecordFlows() throws Exception {
        OutputLimits limits = new OutputLimits(OutputLimits.MIN_BYTES);
        start(limits);
        byte[] hugeKey = new byte[OutputLimits.MIN_BYTES];
        java.util.Arrays.fill(hugeKey, (byte) 'k');
        in.pipeInput(hugeKey, bytes(TestModels.record(5, 5, 13)));
        // a key that fits, but not beside a full alert: the alert is truncated and says so
        String longKey = "h".repeat(3_000);
        in.pipeInput(bytes(longKey), bytes(TestModels.record(5, 5, 13)));
        in.pipeInput(bytes("fine"), bytes(TestModels.record(1, 1, 1)));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("output_too_large");
        assertThat(header(dead.headers(), DeadLetterHeaders.REFERENCE)).isEqualTo("true");
        assertThat(dead.key()).isNull();
        assertThat(JSON.readTree(dead.value()).get("size").get("key").asInt()).isEqualTo(hugeKey.length);
        assertFits(limits, dead.key(), dead.value(), dead.headers());

        TestRecord<byte[], byte[]> alert = alerts.readRecord();
        assertThat(JSON.readTree(alert.value()).get("truncated").asBoolean()).isTrue();
        assertFits(limits, alert.key(), alert.value(), alert.headers());
        assertThat(scores.readRecordsToList()).hasSize(2).allSatisfy(r -> assertFits(limits, r.key(), r.value(), r.headers()));
        assertThat(deadLetters.isEmpty()).isTrue();
        assertBalanced(3);
    }

    @Test
    void aRecordTooLargeForTheDeadLetterTopicGoesThereAsAReference() throws Exception {
        OutputLimits limits = new OutputLimits(OutputLimits.MIN_BYTES);
        start(limits);
        byte[] value = bytes("{\"cpu\":\"" + "x".repeat(10_000) + "\"}");
        in.pipeInput(bytes("big"), value);
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("non_numeric");
        JsonNode ref = JSON.readTree(dead.value());
        assertThat(ref.get("reference").asBoolean()).isTrue();
        assertThat(ref.get("size").get("value").asInt()).isEqualTo(value.length);
        assertThat(ref.get("source").get("topic").asText()).isEqualTo("metrics");
        assertThat(dead.key()).isEqualTo(bytes("big"));
        assertFits(limits, dead.key(), dead.value(), dead.headers());
        assertBalanced(1);
    }

    @Test
    void spoofedKadeAndStreamsHeadersDoNotSurviveIntoDeadLetters() {
        start(OutputLimits.DEFAULT);
        Headers headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, bytes("all_good"));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, bytes("999"));
        headers.add("__streams.errors.topic", bytes("elsewhere"));
        headers.add("trace", bytes("t-1"));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("not json"), headers, ScoringDriver.NOW));
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.headers().headers(DeadLetterHeaders.REASON)).hasSize(1);
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("not_json");
        assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(dead.headers().toArray()).extracting(Header::key).noneMatch(k -> k.startsWith("__streams.errors."));
        assertThat(header(dead.headers(), "trace")).isEqualTo("t-1");
    }

    private void assertBalanced(long expectedIn) {
        KadeMetrics.Counts c = metrics.counts();
        assertThat(c.in()).isEqualTo(expectedIn);
        assertThat(c.scored() + c.deadLettered()).isEqualTo(c.in());
    }

    private static void assertFits(OutputLimits limits, byte[] key, byte[] value, Headers headers) {
        int headerBytes = 0;
        for (Header h : headers) {
            headerBytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        assertThat((key == null ? 0 : key.length) + value.length + headerBytes).isLessThanOrEqualTo(limits.maxBytes());
    }

    private static String header(Headers h, String name) {
        Header last = h.lastHeader(name);
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
