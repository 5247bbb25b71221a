package dev.kade.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.entity.LikelihoodParams;
import dev.kade.entity.SeriesPolicy;
import dev.kade.entity.SeriesSettings;
import dev.kade.model.ServableModel;
import dev.kade.testing.WindowedTestScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kade backtest}'s engine: recorded long-format data through the stream's own topology. */
class BacktestTest {
    @TempDir
    Path dir;

    @Test
    void everyRowGetsItsScoreAndTheSummaryCountsWhatWouldHaveAlerted() throws Exception {
        StringBuilder csv = new StringBuilder("host,ts,v\n");
        for (int i = 0; i < 40; i++) {
            csv.append("quiet,2026-12-01 00:").append(String.format("%02d", i)).append(":00,").append(10 + i % 2).append('\n');
            csv.append("loud,2026-12-01 00:").append(String.format("%02d", i)).append(":00,")
                    .append(i == 30 ? 5000 : 1000 + 100 * (i % 3)).append('\n');
        }
        Path data = Files.writeString(dir.resolve("history.csv"), csv.toString());
        Path out = dir.resolve("scores.csv");
        SeriesSettings settings = SeriesSettings.DEFAULT.withPolicy(SeriesPolicy.DEFAULT.withLikelihood(
                new LikelihoodParams(10, 5, 8640, 1e-3, 0.05, 50, 0.3, 0.5)));
        Backtest.Summary s = Backtest.run(ServableModel.unowned(new WindowedTestScorer(List.of("v"), 4, "w1")), settings, 3, 256,
                new Backtest.Options(data, Optional.of("host"), Optional.of("ts"), out, Backtest.Format.CSV));
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(81);
        assertThat(lines.get(0)).isEqualTo("row,entity,time,score,likelihood,anomaly_score,warming_up,alert,dead_letter");
        assertThat(lines.get(1)).startsWith("0,quiet,2026-12-01T00:00:00Z,");
        assertThat(s.records()).isEqualTo(80);
        assertThat(s.scored()).isEqualTo(80);
        assertThat(s.warmingUp()).isEqualTo(2 * 3);
        assertThat(s.entities()).isEqualTo(2);
        // the jump to 5000 is out of "loud"'s range: it alerts, and the row says so
        assertThat(s.alertsPerEntity()).containsKey("loud");
        assertThat(lines.get(1 + 2 * 30 + 1)).startsWith("61,loud,2026-12-01T00:30:00Z,").endsWith(",false,true,");
        assertThat(s.alerts()).isEqualTo(lines.stream().filter(l -> l.endsWith(",true,")).count());
        assertThat(s.describe()).contains("80 records, 80 scored").contains("loud");
    }
}
