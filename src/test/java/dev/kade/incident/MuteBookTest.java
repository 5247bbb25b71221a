package dev.kade.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Mute rules: the control topic's JSON records, recurring windows, and the settings' schedules. */
class MuteBookTest {
    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static MuteBook.Parsed parse(String key, String json) {
        return MuteBook.parse(key, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anExactEntityIsMatchedLiterallyAPatternAsAGlobAndAllMatchesEveryEntity() {
        String window = "\"start\":\"2026-12-03T02:00:00Z\",\"end\":\"2026-12-03T04:00:00Z\"";
        MuteRule exact = parse("r1", "{\"entity\":\"db-*\"," + window + "}").rule();
        MuteRule glob = parse("r2", "{\"entity_pattern\":\"db-*\"," + window + "}").rule();
        MuteRule all = parse("r3", "{\"all\":true," + window + "}").rule();
        long inside = at("2026-12-03T03:00:00Z");
        assertThat(exact.mutes("db-*", inside)).isTrue();
        assertThat(exact.mutes("db-1", inside)).as("an entity named with a star is no pattern").isFalse();
        assertThat(glob.mutes("db-1", inside)).isTrue();
        assertThat(all.mutes("anything", inside)).isTrue();
        assertThat(all.mutes("anything", at("2026-12-03T04:00:00Z"))).as("end excluded").isFalse();
        assertThat(all.mutes("anything", at("2026-12-03T02:00:00Z"))).as("start included").isTrue();
        assertThat(exact.id()).isEqualTo("r1");
    }

    @Test
    void aRecurringWindowOpensAtEachCronTimeInItsZoneAndLastsItsDuration() {
        // 02:00 Berlin time on Sundays for two hours: 01:00-03:00 UTC in winter, 00:00-02:00 UTC in summer
        MuteWindow w = new MuteWindow.Recurring("0 2 * * SUN", Duration.ofHours(2), ZoneId.of("Europe/Berlin"),
                Optional.empty(), Optional.empty());
        assertThat(w.contains(at("2026-12-06T01:00:00Z"))).isTrue();
        assertThat(w.contains(at("2026-12-06T02:59:59.999Z"))).isTrue();
        assertThat(w.contains(at("2026-12-06T03:00:00Z"))).isFalse();
        assertThat(w.contains(at("2026-12-06T00:59:59.999Z"))).isFalse();
        assertThat(w.contains(at("2026-12-07T01:30:00Z"))).as("a Monday").isFalse();
        assertThat(w.contains(at("2026-07-05T00:30:00Z"))).as("summer time").isTrue();
        assertThat(w.contains(at("2026-07-05T02:30:00Z"))).isFalse();
        // the cached span gives the same answers out of order
        assertThat(w.contains(at("2026-12-06T01:30:00Z"))).isTrue();
        assertThat(w.contains(at("2026-12-06T00:30:00Z"))).isFalse();
    }

    @Test
    void aScheduleMayBeBoundedByStartAndEnd() {
        MuteRule r = parse("nightly", "{\"entity\":\"h\",\"schedule\":{\"cron\":\"0 2 * * *\",\"duration\":\"PT1H\"},"
                + "\"start\":\"2026-12-03T00:00:00Z\",\"end\":\"2026-12-05T00:00:00Z\"}").rule();
        assertThat(r.mutes("h", at("2026-12-02T02:30:00Z"))).as("before the schedule starts").isFalse();
        assertThat(r.mutes("h", at("2026-12-03T02:30:00Z"))).isTrue();
        assertThat(r.mutes("h", at("2026-12-04T02:30:00Z"))).isTrue();
        assertThat(r.mutes("h", at("2026-12-05T02:30:00Z"))).as("after it ends").isFalse();
    }

    @Test
    void badRecordsAreRefusedWithAReasonAndCountedNotApplied() {
        assertThat(parse("k", "[1]").problem()).isEqualTo(MuteBook.Problem.NOT_JSON);
        assertThat(parse("k", "{\"entity\":\"a\",\"all\":true,\"start\":\"2026-12-03T02:00:00Z\",\"end\":\"2026-12-03T04:00:00Z\"}")
                .problem()).isEqualTo(MuteBook.Problem.NO_ENTITY);
        assertThat(parse("k", "{\"entity\":\"a\",\"start\":\"2026-12-03T02:00:00Z\"}").problem())
                .isEqualTo(MuteBook.Problem.NO_WINDOW);
        MuteBook.Parsed backwards = parse("k", "{\"entity\":\"a\",\"start\":\"2026-12-03T04:00:00Z\",\"end\":\"2026-12-03T02:00:00Z\"}");
        assertThat(backwards.problem()).isEqualTo(MuteBook.Problem.BAD_WINDOW);
        assertThat(backwards.detail()).contains("before it starts");
        assertThat(parse("k", "{\"entity\":\"a\",\"start\":\"yesterday\",\"end\":\"2026-12-03T02:00:00Z\"}").detail())
                .contains("start 'yesterday'");
        assertThat(parse("k", "{\"entity\":\"a\",\"schedule\":{\"cron\":\"0 2 * *\",\"duration\":\"PT1H\"}}").detail())
                .contains("cron '0 2 * *'");
        assertThat(parse("k", "{\"entity\":\"a\",\"schedule\":{\"cron\":\"0 2 * * *\",\"duration\":\"-PT1H\"}}").detail())
                .contains("positive");
        assertThat(MuteBook.parse(null, "{}".getBytes(StandardCharsets.UTF_8)).problem()).isEqualTo(MuteBook.Problem.NO_KEY);
        assertThat(MuteBook.parse("k", null).problem()).isEqualTo(MuteBook.Problem.NOT_JSON);

        Map<String, byte[]> topic = new LinkedHashMap<>();
        topic.put("good", "{\"entity\":\"a\",\"start\":\"2026-12-03T02:00:00Z\",\"end\":\"2026-12-03T04:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8));
        topic.put("bad", "{".getBytes(StandardCharsets.UTF_8));
        MuteBook book = MuteBook.of(List.of(MuteRule.parse("cfg@2026-12-01T00:00:00Z/2026-12-02T00:00:00Z")),
                all -> topic.forEach(all::accept));
        assertThat(book.refused()).isEqualTo(1);
        assertThat(book.rules()).extracting(MuteRule::id).containsExactly("cfg@2026-12-01T00:00:00Z/2026-12-02T00:00:00Z", "good");
        assertThat(book.muted("a", at("2026-12-03T03:00:00Z"))).isTrue();
        assertThat(book.muted("cfg", at("2026-12-01T03:00:00Z"))).isTrue();
        assertThat(book.muted("a", at("2026-12-01T03:00:00Z"))).isFalse();
    }

    @Test
    void theSettingsScheduleSyntaxParsesOrSaysWhatIsWrong() {
        MuteRule r = MuteRule.parseSchedule(" db-*@0 2 * * SUN|PT2H|Europe/Berlin ");
        assertThat(r.pattern()).isEqualTo("db-*");
        assertThat(r.mutes("db-7", at("2026-12-06T01:30:00Z"))).isTrue();
        assertThat(MuteRule.parseSchedule("x@*/15 * * * *|PT5M").mutes("x", at("2026-12-06T01:32:00Z"))).as("UTC default")
                .isTrue();
        assertThatThrownBy(() -> MuteRule.parseSchedule("db-*@0 2 * * SUN")).hasMessageContaining("CRON|DURATION");
        assertThatThrownBy(() -> MuteRule.parseSchedule("db-*@0 2 * * SUN|2h")).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> MuteRule.parseSchedule("db-*@0 2 * * SUN|PT2H|Nowhere/City")).hasMessageContaining("Nowhere");
        assertThatThrownBy(() -> MuteRule.parseSchedule("db-*@0 2 * * XYZ|PT2H")).hasMessageContaining("cron");
    }

    @Test
    void theDocumentedExamplesParseAndTheSchemaNamesTheFieldsKadeReads() throws Exception {
        String doc = Files.readString(Path.of("docs/output-formats.md"));
        String section = doc.substring(doc.indexOf("## Mute rule records"));
        String block = section.substring(section.indexOf("```json") + 7, section.indexOf("```", section.indexOf("```json") + 7));
        List<String> examples = block.strip().lines().toList();
        assertThat(examples).hasSize(3);
        for (String e : examples) {
            assertThat(parse("example", e).rule()).as(e).isNotNull();
        }
        JsonNode schema = new ObjectMapper().readTree(Path.of("docs/schemas/mute-rule.schema.json").toFile());
        List<String> fields = new java.util.ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("entity", "entity_pattern", "all", "start", "end", "schedule");
        List<String> schedule = new java.util.ArrayList<>();
        schema.get("properties").get("schedule").get("properties").fieldNames().forEachRemaining(schedule::add);
        assertThat(schedule).containsExactlyInAnyOrder("cron", "duration", "time_zone");
        for (String f : fields) {
            assertThat(section).as("documented: " + f).contains("`" + f + "`");
        }
    }
}
