package dev.kade.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.features.FeatureError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {
    @Test
    void everyFeatureErrorIsADeadLetterReasonWithTheSameLabel() {
        for (FeatureError e : FeatureError.values()) {
            assertThat(DeadLetterReason.of(e).label()).isEqualTo(e.label());
        }
    }

    @Test
    void theDocumentedTableListsExactlyTheReasonsAndTheirMeanings() throws Exception {
        String readme = Files.readString(Path.of("docs/output-formats.md"), StandardCharsets.UTF_8);
        String start = "<!-- dead-letter-reasons:start -->";
        String end = "<!-- dead-letter-reasons:end -->";
        assertThat(readme).contains(start, end);
        String table = readme.substring(readme.indexOf(start) + start.length(), readme.indexOf(end)).strip();
        List<String> expected = new ArrayList<>(List.of("| reason | meaning |", "|---|---|"));
        Arrays.stream(DeadLetterReason.values()).map(r -> "| `" + r.label() + "` | " + r.description() + " |").forEach(expected::add);
        assertThat(table.lines().toList()).containsExactlyElementsOf(expected);
    }
}
