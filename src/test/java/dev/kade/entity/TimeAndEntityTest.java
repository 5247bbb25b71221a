package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.features.RecordReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Entity and event time from one parse of the record, and the time formats. */
class TimeAndEntityTest {
    @Test
    void timeFormatsReadEachNotation() throws Exception {
        long t = 1_396_448_940_000L; // 2014-04-02T14:29:00Z
        assertThat(TimeFormat.ISO_8601.parse("ts", "2014-04-02T14:29:00Z")).isEqualTo(t);
        assertThat(TimeFormat.ISO_8601.parse("ts", "2014-04-02 14:29:00")).isEqualTo(t);
        assertThat(TimeFormat.ISO_8601.parse("ts", "2014-04-02T16:29:00+02:00")).isEqualTo(t);
        assertThat(TimeFormat.EPOCH_MILLIS.parse("ts", Long.toString(t))).isEqualTo(t);
        assertThat(TimeFormat.EPOCH_SECONDS.parse("ts", "1396448940.5")).isEqualTo(t + 500);
        assertThat(TimeFormat.AUTO.parse("ts", "1396448940")).isEqualTo(t);
        assertThat(TimeFormat.AUTO.parse("ts", Long.toString(t))).isEqualTo(t);
        assertThat(TimeFormat.AUTO.parse("ts", "2014-04-02 14:29:00")).isEqualTo(t);
        assertThatThrownBy(() -> TimeFormat.ISO_8601.parse("ts", "yesterday")).isInstanceOf(EventTimeException.class)
                .hasMessageContaining("'ts'").hasMessageContaining("yesterday");
        assertThatThrownBy(() -> TimeFormat.EPOCH_MILLIS.parse("ts", "12:00")).isInstanceOf(EventTimeException.class);
        assertThatThrownBy(() -> TimeFormat.AUTO.parse("ts", null)).isInstanceOf(EventTimeException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void entityAndTimeFieldsComeFromTheFeaturesParse() throws Exception {
        EntitySpec spec = new EntitySpec(List.of("host", "disk.id"), Optional.of("at"), TimeFormat.EPOCH_MILLIS);
        RecordReader reader = new RecordReader(List.of("cpu"), spec.sideFields());
        String[] sides = new String[3];
        float[] row = new float[1];
        byte[] json = "{\"cpu\":0.5,\"host\":\"h1\",\"disk\":{\"id\":12345678901234567890},\"at\":1700000000123}"
                .getBytes(StandardCharsets.UTF_8);
        reader.read(json, row, 0, sides);
        assertThat(row).containsExactly(0.5f);
        // a long numeric id keeps every digit
        assertThat(sides).containsExactly("h1", "12345678901234567890", "1700000000123");
        EntityKey e = spec.entity(null, sides).orElseThrow();
        assertThat(e.display()).isEqualTo("host=h1,disk.id=12345678901234567890");
        assertThat(spec.eventTime(0, sides)).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void aMissingFieldOrKeyIsNoEntity() throws Exception {
        EntitySpec byField = new EntitySpec(List.of("host"), Optional.empty(), TimeFormat.AUTO);
        RecordReader reader = new RecordReader(List.of("cpu"), byField.sideFields());
        String[] sides = new String[1];
        reader.read("{\"cpu\":1,\"host\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8), new float[1], 0, sides);
        assertThat(byField.entity("k".getBytes(StandardCharsets.UTF_8), sides)).isEmpty();
        assertThat(byField.noEntityDetail(null, sides)).contains("'host'");
        assertThat(EntitySpec.DEFAULT.entity(null, new String[0])).isEmpty();
        assertThat(EntitySpec.DEFAULT.eventTime(42L, new String[0])).isEqualTo(42L);
    }

    @Test
    void compositeEntitiesDoNotCollideAcrossFieldBoundaries() {
        List<String> names = List.of("a", "b");
        EntityKey one = EntityKey.ofFields(names, new String[] {"ab", "c"});
        EntityKey two = EntityKey.ofFields(names, new String[] {"a", "bc"});
        assertThat(one.storeKey()).isNotEqualTo(two.storeKey());
        assertThat(EntityKey.ofRecordKey(new byte[0]).storeKey().compareTo(EntityStore.META_KEY)).isPositive();
    }
}
