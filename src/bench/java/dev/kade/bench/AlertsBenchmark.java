package dev.kade.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.model.ModelContract;
import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Issue 19's alerting benchmark: one synthetic stream through kade on a real (in-process KRaft) broker, twice, with
 * {@code alerts.mode=record} and with {@code alerts.mode=incident}, counting what lands on each alert topic with a
 * {@code read_committed} consumer.
 *
 * <p>The stream: {@code --hosts} hosts (default 10), each sending {@code --rate} records per second of event time
 * (default 10) for {@code --minutes} (default 40), keyed by host, on 2 partitions. Four real incidents (host-2 for
 * 30% of the run, host-6 for 15%, host-8 for 7.5%, host-9 for 5% near the end: latency far off cpu and memory), one
 * planned maintenance (host-9 misbehaving for 5% of the run inside a mute window: a rule an operator writes to the
 * compacted control topic, {@code alerts.mute.topic}, read by the incident runs), a recurring maintenance (host-7
 * misbehaving in minute 1 of every 10, muted by the schedule {@code host-7@*}{@code /10 * * * *|PT3M} of
 * {@code alerts.mute.schedules}) and one flapping noisy host (host-4, noise high enough that about 3% of its records cross the
 * threshold, spread over the whole run). The model
 * is a reconstruction model that projects the three features onto their mean (records whose features agree
 * reconstruct; a feature off by d scores about 2d²/9), with a threshold of 1.
 *
 * <p>Feedback ({@code alerts.feedback.topic}): with the default quiet time the flapping host is one long incident, so
 * the stream goes through two more incident runs with a 5 s quiet time, under which it flaps into many: one without
 * labels ({@code noisy_incidents_before_feedback}), then, after 3 {@code false_positive} labels for its first 3 incidents
 * on a compacted feedback topic, a fresh kade reading that topic ({@code noisy_incidents_after_feedback}, and whether
 * every real incident is still found).
 *
 * <p>Alert budgets ({@code budget_*}): a day of event time of noisy hosts through kade with and without
 * {@code alerts.budget.per.entity.per.day}, in {@link BudgetBench}.
 *
 * <p>Prints the counts to stderr and ends with ONE JSON line on stdout (src/bench/README.md). What is not built is
 * named in {@code "not_built"}.
 */
public final class AlertsBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FEATURES = List.of("cpu", "memory.used", "latency_ms");
    private static final int NOISY = 4;

    /** A real incident: a host and the share of the run [from, to) during which it misbehaves. */
    record RealIncident(int host, double from, double to) {
    }

    private static final List<RealIncident> REAL = List.of(new RealIncident(2, 0.20, 0.50), new RealIncident(6, 0.55, 0.70),
            new RealIncident(8, 0.80, 0.875), new RealIncident(9, 0.90, 0.95));
    /** A planned maintenance: host-9 misbehaves in [0.60, 0.65) of the run, inside a mute window [0.58, 0.67). */
    private static final RealIncident MAINTENANCE = new RealIncident(9, 0.60, 0.65);
    private static final double MUTE_FROM = 0.58;
    private static final double MUTE_TO = 0.67;
    /** A recurring maintenance: host-7 misbehaves in minute 1 of every 10 (UTC), inside the windows of this schedule. */
    private static final int RECURRING_HOST = 7;
    private static final String RECURRING_SCHEDULE = "host-" + RECURRING_HOST + "@*/10 * * * *|PT3M";
    private static final String MUTE_TOPIC = "alerts-mutes";

    private AlertsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        int hosts = Integer.parseInt(opt.getOrDefault("hosts", "10"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "10"));
        int minutes = Integer.parseInt(opt.getOrDefault("minutes", "40"));
        String commit = System.getProperty("kade.bench.commit", "unknown");
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("kade-bench-alerts");
        Path model = writeModel(dir.resolve("model.onnx"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopics(2, "alerts-in", "alerts-record", "alerts-incident", "alerts-dlq-record", "alerts-dlq-incident",
                    "alerts-feedback-before", "alerts-dlq-feedback-before", "alerts-feedback-after", "alerts-dlq-feedback-after");
            long steps = (long) minutes * 60 * rate;
            long records = steps * hosts;
            long t0 = (System.currentTimeMillis() / 60_000L) * 60_000L - minutes * 60_000L;
            log("producing %,d records: %d hosts x %d/s x %d min of event time", records, hosts, rate, minutes);
            produce(bootstrap, hosts, steps, rate, t0);

            long periodMs = steps * 1000L / rate;
            long muteFrom = t0 + (long) (MUTE_FROM * periodMs);
            long muteTo = t0 + (long) (MUTE_TO * periodMs);
            String muteRule = writeMuteRule(bootstrap, muteFrom, muteTo);
            // every incident run reads the control topic and the recurring schedule (the record run, the "before", neither)
            Map<String, String> mutes = Map.of("alerts.mute.topic", MUTE_TOPIC, "alerts.mute.schedules", RECURRING_SCHEDULE);
            long[] muted = new long[1];
            long anomalies = runKade(bootstrap, "record", "record", model, dir, records, "", Map.of(), muted);
            List<JsonNode> perRecord = AlertRuns.consume(bootstrap, "alerts-record");
            long incidentAnomalies = runKade(bootstrap, "incident", "incident", model, dir, records, "", mutes, muted);
            List<JsonNode> events = AlertRuns.consume(bootstrap, "alerts-incident");

            Map<String, Long> byEvent = new LinkedHashMap<>();
            events.forEach(e -> byEvent.merge(e.get("event").asText(), 1L, Long::sum));
            List<JsonNode> opened = events.stream().filter(e -> e.get("event").asText().equals("opened")).toList();
            int found = 0;
            List<String> missed = new ArrayList<>();
            for (RealIncident r : REAL) {
                long from = t0 + (long) (r.from() * periodMs);
                long to = t0 + (long) (r.to() * periodMs);
                boolean hit = opened.stream().anyMatch(e -> e.get("entity").asText().equals("host-" + r.host())
                        && Instant.parse(e.get("started_at").asText()).toEpochMilli() >= from
                        && Instant.parse(e.get("started_at").asText()).toEpochMilli() < to);
                if (hit) {
                    found++;
                } else {
                    missed.add("host-" + r.host());
                }
            }
            long noisy = opened.stream().filter(e -> e.get("entity").asText().equals("host-" + NOISY)).count();
            long inMute = opened.stream().filter(e -> e.get("entity").asText().equals("host-" + MAINTENANCE.host())
                    && Instant.parse(e.get("started_at").asText()).toEpochMilli() >= muteFrom
                    && Instant.parse(e.get("started_at").asText()).toEpochMilli() < muteTo).count();
            long inRecurring = opened.stream().filter(e -> e.get("entity").asText().equals("host-" + RECURRING_HOST)
                    && minuteOfTen(Instant.parse(e.get("started_at").asText()).toEpochMilli()) < 3).count();
            long recurringHost = opened.stream().filter(e -> e.get("entity").asText().equals("host-" + RECURRING_HOST)).count();
            inMute += inRecurring;
            long others = opened.size() - noisy - found - inMute;

            // feedback. With the default quiet time (5 min) the flapping host is one long incident (it is never quiet that
            // long), so feedback is measured with a short one (FEEDBACK_QUIET_MS), under which it flaps into many: the
            // stream once without labels; an on-call person labels the noisy host's first 3 incidents false positives on
            // the compacted feedback topic; the same stream through a fresh kade reading that topic
            Map<String, String> shortQuiet = new HashMap<>(mutes);
            shortQuiet.put("alerts.incident.quiet.ms", Long.toString(FEEDBACK_QUIET_MS));
            runKade(bootstrap, "incident", "feedback-before", model, dir, records, "", shortQuiet, new long[1]);
            List<JsonNode> openedBefore = opened(AlertRuns.consume(bootstrap, "alerts-feedback-before"));
            long noisyBefore = openedBefore.stream().filter(e -> e.get("entity").asText().equals("host-" + NOISY)).count();
            List<String> labelled = openedBefore.stream().filter(e -> e.get("entity").asText().equals("host-" + NOISY)).limit(3)
                    .map(e -> e.get("incident_id").asText()).toList();
            writeLabels(bootstrap, labelled);
            Map<String, String> withFeedback = new HashMap<>(shortQuiet);
            withFeedback.put("alerts.feedback.topic", FEEDBACK_TOPIC);
            runKade(bootstrap, "incident", "feedback-after", model, dir, records, "", withFeedback, new long[1]);
            List<JsonNode> openedAfter = opened(AlertRuns.consume(bootstrap, "alerts-feedback-after"));
            long noisyAfter = openedAfter.stream().filter(e -> e.get("entity").asText().equals("host-" + NOISY)).count();
            int foundBefore = found(openedBefore, t0, periodMs);
            int foundAfter = found(openedAfter, t0, periodMs);
            long othersAfter = openedAfter.size() - noisyAfter - foundAfter;
            double noisyDrop = noisyBefore == 0 ? Double.NaN : 1.0 - (double) noisyAfter / noisyBefore;
            double reduction = events.isEmpty() ? Double.NaN : (double) perRecord.size() / events.size();
            // alert budgets: a day of event time of noisy hosts, with and without a budget (BudgetBench)
            BudgetBench.Result budget = BudgetBench.measure(kafka, model, dir);
            double seconds = (System.nanoTime() - started) / 1e9;

            log("");
            log("| mode | alert topic records |");
            log("|---|---|");
            log("| per record (alerts.mode=record) | %,d |", perRecord.size());
            log("| incidents (alerts.mode=incident) | %,d (%s) |", events.size(), byEvent);
            log("");
            log("reduction: %.1fx fewer alert records; anomalous records %,d (record run) / %,d (incident run)", reduction,
                    anomalies, incidentAnomalies);
            log("real incidents: %d, found: %d%s; incidents of the noisy host-%d: %d; other incidents opened: %d", REAL.size(),
                    found, missed.isEmpty() ? "" : " (missed " + missed + ")", NOISY, noisy, others);
            log("maintenance of host-%d muted by the control topic's rule %s, recurring maintenance of host-%d muted by "
                    + "alerts.mute.schedules=%s: %,d anomalies muted, %d incidents opened inside the windows (%d inside the "
                    + "recurring ones); host-%d's incidents in all: %d", MAINTENANCE.host(), muteRule, RECURRING_HOST,
                    RECURRING_SCHEDULE, muted[0], inMute, inRecurring, RECURRING_HOST, recurringHost);
            log("feedback (alerts.incident.quiet.ms=%d): %d false_positive labels for host-%d's incidents; its incidents %d -> %d "
                    + "(%.1f%% fewer); real incidents found %d -> %d of %d; other incidents opened after: %d", FEEDBACK_QUIET_MS,
                    labelled.size(), NOISY, noisyBefore, noisyAfter, 100 * noisyDrop, foundBefore, foundAfter, REAL.size(),
                    othersAfter);
            log("done in %.1f s", seconds);

            ObjectNode out = JSON.createObjectNode();
            out.put("benchmark", "alerts");
            out.put("commit", commit);
            out.put("records", records);
            out.put("hosts", hosts);
            out.put("rate_per_host_per_second", rate);
            out.put("minutes", minutes);
            out.put("alert_records_per_record_mode", perRecord.size());
            out.put("incident_events", events.size());
            out.set("incident_events_by_kind", JSON.valueToTree(byEvent));
            out.put("reduction", Math.round(reduction * 10) / 10.0);
            out.put("real_incidents", REAL.size());
            out.put("real_incidents_found", found);
            out.put("other_incidents", others);
            out.put("noisy_incidents_default_quiet", noisy);
            out.put("feedback_quiet_ms", FEEDBACK_QUIET_MS);
            out.put("noisy_incidents_before_feedback", noisyBefore);
            out.put("noisy_incidents_after_feedback", noisyAfter);
            out.put("feedback_labels", labelled.size());
            out.put("noisy_incident_drop", Math.round(noisyDrop * 1000) / 1000.0);
            out.put("real_incidents_found_before_feedback", foundBefore);
            out.put("real_incidents_found_after_feedback", foundAfter);
            out.put("other_incidents_after_feedback", othersAfter);
            out.put("incidents_in_mute_windows", inMute);
            out.put("muted_anomalies", muted[0]);
            out.put("mute_rule", muteRule);
            out.put("mute_rule_source", "alerts.mute.topic");
            out.put("recurring_mute_schedule", RECURRING_SCHEDULE);
            out.put("incidents_in_recurring_mute_windows", inRecurring);
            out.put("recurring_host_incidents", recurringHost);
            budget.put(out);
            out.set("not_built", JSON.valueToTree(List.of()));
            out.put("seconds", Math.round(seconds * 10) / 10.0);
            System.out.println(out);
        }
    }

    private static final String FEEDBACK_TOPIC = "alerts-feedback-labels";
    /** The quiet time of the feedback runs: short enough that the flapping host's anomalies form many incidents. */
    private static final long FEEDBACK_QUIET_MS = 5_000;

    private static List<JsonNode> opened(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("event").asText().equals("opened")).toList();
    }

    /** How many of the real incidents an opened event starts inside of (same host, started within its span). */
    private static int found(List<JsonNode> opened, long t0, long periodMs) {
        int found = 0;
        for (RealIncident r : REAL) {
            long from = t0 + (long) (r.from() * periodMs);
            long to = t0 + (long) (r.to() * periodMs);
            if (opened.stream().anyMatch(e -> e.get("entity").asText().equals("host-" + r.host())
                    && Instant.parse(e.get("started_at").asText()).toEpochMilli() >= from
                    && Instant.parse(e.get("started_at").asText()).toEpochMilli() < to)) {
                found++;
            }
        }
        return found;
    }

    /** Minute of event time {@code at} within its ten (UTC): the recurring maintenance's clock. */
    private static long minuteOfTen(long at) {
        return (at / 60_000L) % 10;
    }

    /**
     * Writes the planned maintenance of host-9 to the compacted control topic (alerts.mute.topic), keyed by its rule id, as
     * an operator would; returns a short description.
     */
    private static String writeMuteRule(String bootstrap, long from, long to) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(MUTE_TOPIC, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        String id = "maint-host-" + MAINTENANCE.host();
        String rule = "{\"entity\":\"host-" + MAINTENANCE.host() + "\",\"start\":\"" + Instant.ofEpochMilli(from)
                + "\",\"end\":\"" + Instant.ofEpochMilli(to) + "\",\"reason\":\"planned maintenance\",\"by\":\"bench\"}";
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(MUTE_TOPIC, id, rule)).get();
        }
        return id + ": host-" + MAINTENANCE.host() + "@" + Instant.ofEpochMilli(from) + "/" + Instant.ofEpochMilli(to);
    }

    /** Writes one false_positive label per incident id to the compacted feedback topic, keyed by the id. */
    private static void writeLabels(String bootstrap, List<String> ids) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(FEEDBACK_TOPIC, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String id : ids) {
                producer.send(new ProducerRecord<>(FEEDBACK_TOPIC, id, "{\"incident_id\":\"" + id + "\",\"entity\":\"host-" + NOISY
                        + "\",\"label\":\"false_positive\",\"model\":\"bench-alerts-1\",\"by\":\"bench\"}")).get();
            }
        }
    }

    /**
     * Runs kade in one alert mode (application id, alert and dead-letter topics named by {@code name}) until every record
     * is counted; returns the anomalies it counted.
     */
    private static long runKade(String bootstrap, String mode, String name, Path model, Path dir, long records,
                                String muteRules, Map<String, String> extra, long[] muted) throws Exception {
        Map<String, String> m = AlertRuns.settings(bootstrap, "bench-alerts-" + name, "alerts-in", "alerts-" + name,
                "alerts-dlq-" + name, model, dir.resolve("state-" + name), mode);
        m.put("alerts.mute.rules", muteRules);
        m.putAll(extra);
        long t = System.nanoTime();
        try (ScoringApp app = ScoringApp.start(KadeConfig.fromMap(m))) {
            var c = AlertRuns.awaitCounted(app, mode, "alerts.mode=" + mode, records, t);
            String scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + app.metricsPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            var mm = java.util.regex.Pattern.compile("(?m)^kade_incident_muted_total\\{[^}]*} (\\S+)$").matcher(scrape);
            if (mm.find()) {
                muted[0] = (long) Double.parseDouble(mm.group(1));
            }
            return c.anomalies();
        }
    }

    private static void produce(String bootstrap, int hosts, long steps, int rate, long t0) {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Random random = new Random(19);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (long s = 0; s < steps; s++) {
                long at = t0 + s * 1000L / rate;
                double share = (double) s / steps;
                for (int h = 0; h < hosts; h++) {
                    double base = 20 + 5 * h + 3 * Math.sin(s / (60.0 * rate));
                    double noise = h == NOISY ? 0.65 : 0.05; // about 3% of the noisy host's records cross the threshold
                    double latency = base + random.nextGaussian() * noise;
                    for (RealIncident r : REAL) {
                        if (r.host() == h && share >= r.from() && share < r.to()) {
                            latency += 8;
                        }
                    }
                    if (MAINTENANCE.host() == h && share >= MAINTENANCE.from() && share < MAINTENANCE.to()) {
                        latency += 8;
                    }
                    if (RECURRING_HOST == h && minuteOfTen(at) == 1) {
                        latency += 8;
                    }
                    String v = String.format(Locale.ROOT, "{\"cpu\":%.4f,\"memory\":{\"used\":%.4f},\"latency_ms\":%.4f}",
                            base + random.nextGaussian() * noise, base + random.nextGaussian() * noise, latency);
                    producer.send(new ProducerRecord<>("alerts-in", null, at, "host-" + h, v));
                }
            }
            producer.flush();
        }
    }

    /**
     * A reconstruction model {@code recon = x·W}, W = ones/3 (projection onto the features' mean), with its sidecar:
     * what a foreign export plus calibration looks like (docs/model-contract.md).
     */
    static Path writeModel(Path file) throws IOException {
        int width = FEATURES.size();
        ONNXContext ctx = new ONNXContext();
        ONNXPlaceholder input = ctx.floatInput("input", width);
        ONNXPlaceholder output = ctx.floatOutput("reconstruction", width);
        ONNXInitializer w = ctx.floatTensor("W", List.of(width, width), fb -> {
            for (int i = 0; i < width * width; i++) {
                fb.put(1f / width);
            }
        });
        ONNXInitializer b = ctx.array("b", new float[width]);
        input.apply(ONNXOperators.GEMM, List.of(w, b)).assignTo(output);
        byte[] onnx = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("kade-bench")
                .setGraph(ctx.buildGraph())
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13).build()).build().toByteArray();
        ObjectNode sidecar = JSON.createObjectNode();
        sidecar.put(ModelContract.KEY_CONTRACT_VERSION, "1");
        sidecar.set(ModelContract.KEY_FEATURES, JSON.valueToTree(FEATURES));
        sidecar.put(ModelContract.KEY_KIND, "reconstruction");
        sidecar.put(ModelContract.KEY_THRESHOLD, "1.0");
        ObjectNode q = sidecar.putObject(ModelContract.KEY_SCORE_QUANTILES);
        q.set("p", JSON.valueToTree(new double[] {0, 0.5, 0.9, 0.99, 1.0}));
        q.set("v", JSON.valueToTree(new double[] {0, 0.0015, 0.003, 0.006, 4.0}));
        sidecar.put(ModelContract.KEY_MODEL_VERSION, "bench-alerts-1");
        sidecar.put(ModelContract.KEY_CREATED_AT, "2026-12-03T00:00:00Z");
        sidecar.put(ModelContract.KEY_FINGERPRINT, "bench-alerts");
        Files.write(file.resolveSibling(file.getFileName() + ModelContract.SIDECAR_SUFFIX),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(sidecar));
        Files.write(file, onnx);
        return file;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    private static void log(String format, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
