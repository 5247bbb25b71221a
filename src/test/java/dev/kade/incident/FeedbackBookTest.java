package dev.kade.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedbackBookTest {
    private static final FeedbackSettings SETTINGS = new FeedbackSettings(Optional.of("fb"), 2.0, 8.0, Duration.ZERO);
    private static final String ID = "0123456789abcdef0123456789abcdef";

    private static byte[] label(String id, String entity, String label) {
        return ("{\"incident_id\":\"" + id + "\",\"entity\":\"" + entity + "\",\"label\":\"" + label + "\",\"model\":\"m1\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static FeedbackBook book(Map<String, byte[]> records) {
        return FeedbackBook.of(SETTINGS, action -> records.forEach(action));
    }

    @Test
    void eachFalsePositiveDoublesTheEntitysBarUpToTheCap() {
        Map<String, byte[]> r = new LinkedHashMap<>();
        assertThat(book(r).bar("h")).isEqualTo(1.0);
        r.put("1", label(ID.replace('0', '1'), "h", "false_positive"));
        assertThat(book(r).bar("h")).isEqualTo(2.0);
        r.put("2", label(ID.replace('0', '2'), "h", "new_normal"));
        r.put("3", label(ID.replace('0', '3'), "h", "false_positive"));
        assertThat(book(r).bar("h")).isEqualTo(8.0);
        r.put("4", label(ID.replace('0', '4'), "h", "false_positive"));
        assertThat(book(r).bar("h")).as("capped at max.factor").isEqualTo(8.0);
        assertThat(book(r).bar("other")).isEqualTo(1.0);
    }

    @Test
    void aTruePositiveRaisesNothingAndPrecisionIsTrueOverTrueAndFalse() {
        Map<String, byte[]> r = new LinkedHashMap<>();
        r.put("1", label(ID.replace('0', '1'), "h", "true_positive"));
        r.put("2", label(ID.replace('0', '2'), "h", "true_positive"));
        r.put("3", label(ID.replace('0', '3'), "g", "false_positive"));
        r.put("4", label(ID.replace('0', '4'), "g", "new_normal"));
        FeedbackBook b = book(r);
        assertThat(b.bar("h")).isEqualTo(1.0);
        assertThat(b.precision()).containsExactlyEntriesOf(Map.of("m1", 2.0 / 3));
        assertThat(b.labels(FeedbackLabel.NEW_NORMAL)).isEqualTo(1);
    }

    @Test
    void badRecordsAreRefusedWithTheirReason() {
        assertThat(FeedbackBook.parse("{".getBytes(StandardCharsets.UTF_8)).problem()).isEqualTo(FeedbackBook.Problem.NOT_JSON);
        assertThat(FeedbackBook.parse("[1]".getBytes(StandardCharsets.UTF_8)).problem()).isEqualTo(FeedbackBook.Problem.NOT_JSON);
        assertThat(FeedbackBook.parse("{\"entity\":\"h\",\"label\":\"true_positive\"}".getBytes(StandardCharsets.UTF_8)).problem())
                .isEqualTo(FeedbackBook.Problem.NO_INCIDENT_ID);
        assertThat(FeedbackBook.parse(("{\"incident_id\":\"" + ID + "\",\"label\":\"true_positive\"}").getBytes(StandardCharsets.UTF_8))
                .problem()).isEqualTo(FeedbackBook.Problem.NO_ENTITY);
        assertThat(FeedbackBook.parse(label(ID, "h", "FALSE_POSITIVE")).problem()).isEqualTo(FeedbackBook.Problem.UNKNOWN_LABEL);
        Map<String, byte[]> r = new LinkedHashMap<>();
        r.put("bad", "nope".getBytes(StandardCharsets.UTF_8));
        r.put("unknown", label("not-a-kade-id", "h", "false_positive"));
        FeedbackBook b = book(r);
        assertThat(b.refused()).isEqualTo(1);
        assertThat(b.unknown()).isEqualTo(1);
        assertThat(b.bar("h")).as("an unknown incident's label is ignored").isEqualTo(1.0);
    }
}
