package dev.kade.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.entity.SeriesSettings;
import dev.kade.incident.BudgetSettings;
import dev.kade.incident.IncidentEntity;
import dev.kade.incident.IncidentSettings;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kade backtest --budget-per-entity-per-day}: the incidents a budget would have opened, through the stream's topology. */
class BacktestBudgetTest {
    @TempDir
    Path dir;

    /**
     * A day of 4 hosts, one record per 20 s each, whose latency is noisy enough that 1% to 4% of the records cross the
     * model's threshold now and then (a flapping host opens an incident whenever it was quiet for 5 minutes).
     */
    private Path day() throws Exception {
        StringBuilder csv = new StringBuilder("host,ts,cpu,memory.used,latency_ms\n");
        Random random = new Random(5);
        long t0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        for (long t = 0; t < 86_400_000L; t += 20_000) {
            for (int h = 0; h < 4; h++) {
                double sigma = 0.7 + 0.12 * h;
                double base = 20 + 5 * h;
                csv.append(String.format(Locale.ROOT, "host-%d,%d,%.4f,%.4f,%.4f%n", h, t0 + t, base, base,
                        base + random.nextGaussian() * sigma));
            }
        }
        return Files.writeString(dir.resolve("day.csv"), csv.toString());
    }

    private Backtest.Summary replay(Path data, BudgetSettings budget) throws Exception {
        IncidentSettings incidents = new IncidentSettings(dev.kade.incident.AlertMode.INCIDENT, IncidentEntity.KEY,
                IncidentSettings.DEFAULT.updateInterval(), IncidentSettings.DEFAULT.quietTime(), 0, Optional.empty(),
                dev.kade.incident.IncidentFormat.KADE, false, java.util.List.of()).withBudget(budget);
        return Backtest.run(ServableModel.unowned(OnnxModel.load(TestModels.writeModel(dir.resolve("m.onnx"), "v1"))),
                SeriesSettings.DEFAULT, incidents, 3, 256,
                new Backtest.Options(data, Optional.of("host"), Optional.of("ts"), dir.resolve("out.csv"), Backtest.Format.CSV));
    }

    @Test
    void aBudgetsPredictedIncidentsPerEntityPerDayLandNearIt() throws Exception {
        Path data = day();
        Backtest.Summary free = replay(data, BudgetSettings.OFF);
        Backtest.Summary budgeted = replay(data, BudgetSettings.perEntity(5));
        System.out.println(free.describe());
        System.out.println(budgeted.describe());
        assertThat(free.incidents().orElseThrow().entities()).isEqualTo(4);
        assertThat(free.incidentsPerEntityPerDay().orElseThrow()).isGreaterThan(20);
        assertThat(budgeted.incidentsPerEntityPerDay().orElseThrow()).isBetween(3.5, 6.5);
        // the same anomalies scored and counted: a budget changes the incidents, not the scores
        assertThat(budgeted.alerts()).isEqualTo(free.alerts());
        assertThat(budgeted.describe()).contains("per entity per day");
    }

    @Test
    void theCommandLinePrintsThePredictionAndRefusesABadBudgetNamingTheSetting() throws Exception {
        Path data = day();
        Path model = TestModels.writeModel(dir.resolve("cli.onnx"), "v1");
        dev.kade.cli.CliRun r = dev.kade.cli.CliRun.execute("backtest", "--model", model.toString(), "--data", data.toString(),
                "--entity-column", "host", "--time-column", "ts", "--budget-per-entity-per-day", "5",
                "--out", dir.resolve("cli.csv").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        // the same replay as the engine's: 17 incidents of 4 hosts over the day
        assertThat(r.out()).contains("17 incidents opened").contains("4.25 per entity per day")
                .contains("budget 5.0 incidents per entity per day: predicted 4.25 incidents per entity per day");
        dev.kade.cli.CliRun bad = dev.kade.cli.CliRun.execute("backtest", "--model", model.toString(), "--data",
                data.toString(), "--entity-column", "host", "--time-column", "ts", "--budget-per-entity-per-day", "-1");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("alerts.budget.per.entity.per.day");
    }
}
