package dev.kade.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A topic backtest's range refuses what could never be read, saying why. */
class TopicRangeTest {
    private static final Optional<Instant> NO_TIME = Optional.empty();
    private static final OptionalLong NO_OFFSET = OptionalLong.empty();

    @Test
    void offsetsAndTimesAreNotMixed() {
        assertThatThrownBy(() -> new TopicRange("t", List.of(), OptionalLong.of(1), NO_OFFSET, NO_TIME,
                Optional.of(Instant.parse("2026-12-01T00:00:00Z"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bound the range by offsets or by times, not both");
    }

    @Test
    void aRangeEndsAfterItStarts() {
        assertThatThrownBy(() -> new TopicRange("t", List.of(), OptionalLong.of(9), OptionalLong.of(2), NO_TIME, NO_TIME))
                .hasMessage("the range ends (2) before it starts (9)");
        assertThatThrownBy(() -> new TopicRange("t", List.of(), NO_OFFSET, NO_OFFSET, Optional.of(Instant.parse("2026-12-02T00:00:00Z")),
                Optional.of(Instant.parse("2026-12-01T00:00:00Z")))).hasMessageContaining("before it starts");
        // an empty range is allowed: it reads nothing
        assertThat(new TopicRange("t", List.of(), OptionalLong.of(4), OptionalLong.of(4), NO_TIME, NO_TIME).toOffset()).hasValue(4);
    }

    @Test
    void negativeOffsetsPartitionsAndBlankTopicsAreRefused() {
        assertThatThrownBy(() -> new TopicRange("t", List.of(), OptionalLong.of(-1), NO_OFFSET, NO_TIME, NO_TIME))
                .hasMessage("an offset is never negative");
        assertThatThrownBy(() -> new TopicRange("t", List.of(0, -2), NO_OFFSET, NO_OFFSET, NO_TIME, NO_TIME))
                .hasMessage("a partition is never negative: -2");
        assertThatThrownBy(() -> TopicRange.all(" ")).hasMessage("the topic name is empty");
        assertThat(TopicRange.all("metrics").partitions()).isEmpty();
    }
}
