package dev.kade.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.output.OutputLimits;
import dev.kade.output.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The incident event formats (docs/output-formats.md "Incident events"), fixed by golden files under
 * {@code src/test/resources/golden}: a change to these files is a change to a public format.
 */
class IncidentWriterTest {
    private static final Instant DETECTED = Instant.parse("2026-11-25T12:10:00.004Z");
    private static final Optional<String> LINK = Optional.of("https://grafana.example/d/kade?var-entity={entity}&var-incident={incident_id}");

    private static IncidentState incident() {
        long t0 = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();
        return IncidentState.open("host 7/eu", "2026-11-25.1", "reconstruction", new Source("metrics", 0, 48213), t0, 14.222222f,
                        List.of("latency_ms", "cpu", "memory.used"))
                .anomaly(new Source("metrics", 0, 48290), t0 + 95_000, 31.5f, List.of("cpu", "latency_ms", "memory.used"))
                .anomaly(new Source("metrics", 0, 48310), t0 + 120_000, 9f, List.of("latency_ms", "cpu", "memory.used"));
    }

    private static String render(IncidentFormat format, IncidentEvent e) {
        return new String(new IncidentWriter(format, LINK).render(e, DETECTED), StandardCharsets.UTF_8);
    }

    @Test
    void openedEvent() throws IOException {
        IncidentState opened = IncidentState.open("host 7/eu", "2026-11-25.1", "reconstruction", new Source("metrics", 0, 48213),
                Instant.parse("2026-11-25T12:00:00Z").toEpochMilli(), 14.222222f, List.of("latency_ms", "cpu", "memory.used"));
        assertThat(render(IncidentFormat.KADE, new IncidentEvent(IncidentEvent.Kind.OPENED, opened, opened.firstAt(), null)))
                .isEqualTo(golden("incident-opened.json"));
    }

    @Test
    void updatedEvent() throws IOException {
        IncidentState s = incident();
        assertThat(render(IncidentFormat.KADE, new IncidentEvent(IncidentEvent.Kind.UPDATED, s, s.lastAt(), null)))
                .isEqualTo(golden("incident-updated.json"));
    }

    @Test
    void resolvedEvent() throws IOException {
        IncidentState s = incident();
        assertThat(render(IncidentFormat.KADE, new IncidentEvent(IncidentEvent.Kind.RESOLVED, s, s.lastAt() + 300_000,
                Resolution.QUIET))).isEqualTo(golden("incident-resolved.json"));
    }

    @Test
    void alertmanagerFiringAndResolved() throws IOException {
        IncidentState s = incident();
        assertThat(render(IncidentFormat.ALERTMANAGER, new IncidentEvent(IncidentEvent.Kind.UPDATED, s, s.lastAt(), null)))
                .isEqualTo(golden("incident-alertmanager-firing.json"));
        assertThat(render(IncidentFormat.ALERTMANAGER, new IncidentEvent(IncidentEvent.Kind.RESOLVED, s, s.lastAt() + 300_000,
                Resolution.QUIET))).isEqualTo(golden("incident-alertmanager-resolved.json"));
    }

    @Test
    void anOpenedEventEmbedsTheAlertOfTheRecordThatOpenedIt() throws IOException {
        IncidentState opened = IncidentState.open("host 7/eu", "2026-11-25.1", "reconstruction", new Source("metrics", 0, 48213),
                Instant.parse("2026-11-25T12:00:00Z").toEpochMilli(), 14.222222f, List.of("latency_ms", "cpu", "memory.used"));
        String alert = golden("alert.json");
        String out = new String(new IncidentWriter(IncidentFormat.KADE, LINK).render(
                new IncidentEvent(IncidentEvent.Kind.OPENED, opened, opened.firstAt(), null), DETECTED,
                alert.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        String plain = golden("incident-opened.json");
        assertThat(out).isEqualTo(plain.substring(0, plain.length() - 1) + ",\"alert\":" + alert + "}");
    }

    @Test
    void withoutALinkTemplateThereIsNoLinkField() throws IOException {
        IncidentState s = incident();
        JsonNode json = new ObjectMapper().readTree(new IncidentWriter(IncidentFormat.KADE, Optional.empty())
                .render(new IncidentEvent(IncidentEvent.Kind.OPENED, s, s.firstAt(), null), DETECTED));
        assertThat(json.has("link")).isFalse();
        assertThat(json.get("incident_id").asText()).isEqualTo(s.id());
    }

    @Test
    void aHugeEntityIsCutSoThatTheEventFitsTheSmallestOutputLimit() throws IOException {
        String entity = "h".repeat(1_000_000);
        IncidentState s = IncidentState.open(entity, "v1", "ensemble", new Source("metrics", 0, 1), 0, 3f, List.of("cpu"));
        byte[] out = new IncidentWriter(IncidentFormat.KADE, LINK).render(new IncidentEvent(IncidentEvent.Kind.OPENED, s, 0, null),
                DETECTED);
        assertThat(new OutputLimits(4096).fits(IncidentWriter.key(new IncidentEvent(IncidentEvent.Kind.OPENED, s, 0, null)),
                out.length, 0)).isTrue();
        assertThat(new ObjectMapper().readTree(out).get("entity").asText()).hasSize(IncidentWriter.ENTITY_TEXT_LIMIT);
        assertThat(s.id()).isNotEqualTo(IncidentIds.of(entity.substring(0, 256), "v1", new Source("metrics", 0, 1)));
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = IncidentWriterTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
