package dev.kade.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.app.ScoringApp;
import dev.kade.app.StreamsSetup;
import dev.kade.backtest.Backtest;
import dev.kade.config.KadeConfig;
import dev.kade.entity.SeriesSettings;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 19's alert-budget target, measured: an alert budget of N incidents per entity per day, replayed over a day of
 * event time, gives how many? The stream: the alerts benchmark's hosts and model (keyed by host, 2 partitions, the
 * reconstruction model with threshold 1), one record per host every 10 s of event time for 24 hours, each host with
 * latency noise of its own (from quiet to flapping: without a budget they open from about 10 to over 100 incidents a
 * day under the default 5-minute quiet time). kade runs it on the in-process broker under {@code exactly_once_v2} twice,
 * without and with {@code alerts.budget.per.entity.per.day=N}, and the opened events on each alert topic are counted
 * with a {@code read_committed} consumer; {@code kade backtest}'s engine replays the same records for its prediction.
 *
 * <p>Called by {@link AlertsBenchmark} (its {@code budget_*} keys); {@link #main} runs it alone on a broker of its own.
 */
final class BudgetBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final double BUDGET = 5;
    private static final int HOSTS = 10;
    private static final long STEP_MS = 10_000;
    private static final long DAY_MS = 86_400_000L;

    private BudgetBench() {
    }

    /** What was measured: the keys {@link AlertsBenchmark} prints. */
    record Result(double target, double result, Map<String, Integer> perHost, Map<String, Integer> withoutBudget,
                  double predicted, int hostsWithin30, long records, double seconds) {
        void put(ObjectNode out) {
            out.put("budget_target", target);
            out.put("budget_result", Math.round(result * 100) / 100.0);
            out.put("budget_hosts_within_30pct", hostsWithin30);
            out.set("budget_incidents_per_host", JSON.valueToTree(perHost));
            out.set("budget_incidents_per_host_without_budget", JSON.valueToTree(withoutBudget));
            out.put("budget_backtest_predicted", Math.round(predicted * 100) / 100.0);
            out.put("budget_records", records);
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("kade-bench-budget");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Result r = measure(kafka, AlertsBenchmark.writeModel(dir.resolve("model.onnx")), dir);
            ObjectNode out = JSON.createObjectNode();
            out.put("benchmark", "alerts-budget");
            out.put("commit", System.getProperty("kade.bench.commit", "unknown"));
            r.put(out);
            out.put("seconds", Math.round(r.seconds() * 10) / 10.0);
            System.out.println(out);
        }
    }

    static Result measure(EmbeddedKafka kafka, Path model, Path dir) throws Exception {
        long started = System.nanoTime();
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopics(2, "budget-in", "budget-alerts-free", "budget-dlq-free", "budget-alerts-budget", "budget-dlq-budget");
        long t0 = (System.currentTimeMillis() / DAY_MS - 2) * DAY_MS;
        StringBuilder csv = new StringBuilder("host,ts,cpu,memory.used,latency_ms\n");
        long records = produce(bootstrap, t0, csv);
        log("budget: produced %,d records, %d hosts x a day of event time, one each %d s", records, HOSTS, STEP_MS / 1000);
        Map<String, Integer> free = run(bootstrap, "free", model, dir, records, Map.of());
        Map<String, String> budget = Map.of("alerts.budget.per.entity.per.day", Double.toString(BUDGET));
        KadeConfig config = config(bootstrap, "budget", model, dir, budget);
        Map<String, Integer> budgeted = run(bootstrap, "budget", model, dir, records, budget);
        double result = budgeted.values().stream().mapToInt(Integer::intValue).sum() / (double) HOSTS;
        int within = (int) budgeted.values().stream().filter(n -> Math.abs(n - BUDGET) <= 0.3 * BUDGET).count();

        Path data = Files.writeString(dir.resolve("budget-day.csv"), csv.toString());
        Backtest.Summary predicted = Backtest.run(ServableModel.unowned(OnnxModel.load(model)), SeriesSettings.DEFAULT,
                StreamsSetup.incidents(config), 3, 256, new Backtest.Options(data, Optional.of("host"), Optional.of("ts"),
                        dir.resolve("budget-scores.csv"), Backtest.Format.CSV));
        double seconds = (System.nanoTime() - started) / 1e9;
        log("budget %.0f incidents per host per day: %.2f per host (%d of %d hosts within 30%%), per host %s; without the "
                + "budget %s; kade backtest predicted %.2f per host per day", BUDGET, result, within, HOSTS, budgeted, free,
                predicted.incidentsPerEntityPerDay().orElse(Double.NaN));
        return new Result(BUDGET, result, budgeted, free, predicted.incidentsPerEntityPerDay().orElse(Double.NaN), within,
                records, seconds);
    }

    private static long produce(String bootstrap, long t0, StringBuilder csv) {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Random random = new Random(23);
        long n = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (long t = 0; t < DAY_MS; t += STEP_MS) {
                for (int h = 0; h < HOSTS; h++) {
                    double base = 20 + 5 * h + 3 * Math.sin(t / 3_600_000.0);
                    // from about 10 to over 100 incidents a day at the model's threshold
                    double latency = base + random.nextGaussian() * (0.64 + 0.42 * h / (HOSTS - 1));
                    String cpu = String.format(Locale.ROOT, "%.4f", base);
                    String lat = String.format(Locale.ROOT, "%.4f", latency);
                    csv.append("host-").append(h).append(',').append(t0 + t).append(',').append(cpu).append(',').append(cpu)
                            .append(',').append(lat).append('\n');
                    producer.send(new ProducerRecord<>("budget-in", null, t0 + t, "host-" + h,
                            "{\"cpu\":" + cpu + ",\"memory\":{\"used\":" + cpu + "},\"latency_ms\":" + lat + "}"));
                    n++;
                }
            }
            producer.flush();
        }
        return n;
    }

    private static KadeConfig config(String bootstrap, String name, Path model, Path dir, Map<String, String> extra) {
        Map<String, String> m = AlertRuns.settings(bootstrap, "bench-budget-" + name, "budget-in", "budget-alerts-" + name,
                "budget-dlq-" + name, model, dir.resolve("state-budget-" + name), "incident");
        m.putAll(extra);
        return KadeConfig.fromMap(m);
    }

    /** Runs kade until every record is counted; returns the incidents opened per host on its alert topic. */
    private static Map<String, Integer> run(String bootstrap, String name, Path model, Path dir, long records,
                                            Map<String, String> extra) throws Exception {
        long t = System.nanoTime();
        try (ScoringApp app = ScoringApp.start(config(bootstrap, name, model, dir, extra))) {
            AlertRuns.awaitCounted(app, name, "budget run " + name, records, t);
        }
        Map<String, Integer> opened = new TreeMap<>();
        for (JsonNode e : AlertRuns.consume(bootstrap, "budget-alerts-" + name)) {
            if (e.get("event").asText().equals("opened")) {
                opened.merge(e.get("entity").asText(), 1, Integer::sum);
            }
        }
        return opened;
    }

    private static void log(String format, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
