package dev.kade.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of what the alert topic carries ({@code alerts.*}): per-record alerts or incidents, and how
 * incidents open, update and resolve. A part of {@link KadeConfig#DEFINITION} kept apart like {@link SeriesKeys};
 * each key is defined once, here. docs/alerting.md explains them.
 */
public final class AlertKeys {
    public static final String ALERTS_MODE = "alerts.mode";
    public static final String INCIDENT_ENTITY = "alerts.incident.entity";
    public static final String INCIDENT_UPDATE_INTERVAL_MS = "alerts.incident.update.interval.ms";
    public static final String INCIDENT_QUIET_MS = "alerts.incident.quiet.ms";
    public static final String INCIDENT_RESOLVE_NORMAL_RECORDS = "alerts.incident.resolve.normal.records";
    public static final String INCIDENT_FORMAT = "alerts.incident.format";
    public static final String INCIDENT_RESOLVE_WALL_CLOCK = "alerts.incident.resolve.wall.clock";
    public static final String LINK_TEMPLATE = "alerts.link.template";
    public static final String MUTE_RULES = "alerts.mute.rules";
    public static final String MUTE_SCHEDULES = "alerts.mute.schedules";
    public static final String MUTE_TOPIC = "alerts.mute.topic";
    public static final String MUTE_REFRESH_MS = "alerts.mute.refresh.ms";
    public static final String FEEDBACK_TOPIC = "alerts.feedback.topic";
    public static final String FEEDBACK_FACTOR = "alerts.feedback.factor";
    public static final String FEEDBACK_MAX_FACTOR = "alerts.feedback.max.factor";
    public static final String FEEDBACK_REFRESH_MS = "alerts.feedback.refresh.ms";
    public static final String BUDGET_PER_ENTITY_PER_DAY = "alerts.budget.per.entity.per.day";
    public static final String BUDGET_PER_DAY = "alerts.budget.per.day";
    public static final String BUDGET_PARTITIONS = "alerts.budget.partitions";
    public static final String BUDGET_WARMUP_MS = "alerts.budget.warmup.ms";

    private AlertKeys() {
    }

    /**
     * Fails on a feedback topic that cannot work: one set outside incident mode (it would be ignored), or one that is
     * also an input, the alert or the dead-letter topic (kade would read its own output as labels).
     */
    static void check(java.util.Map<String, Object> values, java.util.List<String> inputs, String alerts, String deadLetters) {
        String mute = ((String) values.get(MUTE_TOPIC)).trim();
        if (!mute.isEmpty() && (inputs.contains(mute) || mute.equals(alerts) || mute.equals(deadLetters)
                || mute.equals(((String) values.get(FEEDBACK_TOPIC)).trim()))) {
            throw new ConfigException(MUTE_TOPIC, "invalid value '" + mute
                    + "', it is also an input, the alert, the dead-letter or the feedback topic");
        }
        checkBudget(values);
        String feedback = ((String) values.get(FEEDBACK_TOPIC)).trim();
        if (feedback.isEmpty()) {
            return;
        }
        if (!"incident".equals(values.get(ALERTS_MODE))) {
            throw new ConfigException(FEEDBACK_TOPIC, "invalid value '" + feedback + "': labels act on incidents, set "
                    + ALERTS_MODE + "=incident, or leave this unset");
        }
        if (inputs.contains(feedback) || feedback.equals(alerts) || feedback.equals(deadLetters)) {
            throw new ConfigException(FEEDBACK_TOPIC, "invalid value '" + feedback
                    + "', it is also an input, the alert or the dead-letter topic");
        }
    }

    /**
     * Fails on a budget that cannot work: one set outside incident mode (a budget counts incidents), or an overall budget
     * without the input partitions it is split over.
     */
    private static void checkBudget(java.util.Map<String, Object> values) {
        for (String key : java.util.List.of(BUDGET_PER_ENTITY_PER_DAY, BUDGET_PER_DAY)) {
            double n = (Double) values.get(key);
            if (n > 0 && !"incident".equals(values.get(ALERTS_MODE))) {
                throw new ConfigException(key, "invalid value '" + n + "': a budget counts incidents, set " + ALERTS_MODE
                        + "=incident, or leave this 0");
            }
        }
        if ((Double) values.get(BUDGET_PER_DAY) > 0 && (Integer) values.get(BUDGET_PARTITIONS) == 0) {
            throw new ConfigException(BUDGET_PARTITIONS, "invalid value '0': " + BUDGET_PER_DAY + " is split over the input "
                    + "partitions, set this to their number (the most partitions of any input topic)");
        }
    }

    /** Adds the alert settings to {@code def} (KadeConfig's definition, in documentation order) and returns it. */
    static ConfigDef define(ConfigDef def) {
        return def
                .define(ALERTS_MODE, Type.STRING, "record", ConfigDef.ValidString.in("record", "incident"), MEDIUM,
                        "What the alert topic carries: record, one alert per anomalous record (the format since the first "
                                + "version, so upgrades break no consumer); incident, consecutive anomalies of one entity and "
                                + "model form one incident, sent as opened, updated and resolved events with a stable "
                                + "incident_id (docs/alerting.md).")
                .define(INCIDENT_ENTITY, Type.STRING, "partition", ConfigDef.ValidString.in("partition", "key"), LOW,
                        "Incident mode, per-record models (windowed models use their entity): what an incident belongs to, "
                                + "the input partition or the record key (keyless records: their partition).")
                .define(INCIDENT_UPDATE_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(0), MEDIUM,
                        "Incident mode: least event time between two events of one incident; an updated event (count, peak "
                                + "score, top features, first and last offsets) is sent at most once per interval.")
                .define(INCIDENT_QUIET_MS, Type.LONG, 300_000L, Range.atLeast(1), MEDIUM,
                        "Incident mode: an incident is resolved once the task's stream time passes its latest anomaly by "
                                + "this much (event time, so a replay resolves it identically).")
                .define(INCIDENT_RESOLVE_NORMAL_RECORDS, Type.INT, 0, Range.atLeast(0), LOW,
                        "Incident mode: also resolve an incident after this many normal records of its entity in a row; "
                                + "0: only the quiet time resolves.")
                .define(INCIDENT_RESOLVE_WALL_CLOCK, Type.BOOLEAN, false, null, LOW,
                        "Incident mode: also let the wall clock advance the quiet time, so that incidents of a task that "
                                + "receives no records at all still resolve (the resolved event is the same; a record arriving "
                                + "late, after its entity's incident was resolved by the clock, opens a new one). Off: event "
                                + "time only, and a replay gives exactly the same events.")
                .define(INCIDENT_FORMAT, Type.STRING, "kade", ConfigDef.ValidString.in("kade", "alertmanager"), LOW,
                        "Incident mode: kade's incident event JSON, or one Alertmanager alert object per event (labels, "
                                + "annotations, startsAt, endsAt on resolution, generatorURL) for a Kafka-to-HTTP bridge.")
                .define(MUTE_RULES, Type.LIST, "", null, LOW,
                        "Maintenance windows (either alert mode), comma-separated ENTITY_PATTERN@START/END (ISO-8601 instants, "
                                + "event time; * and ? in the pattern, * alone: every entity), e.g. "
                                + "db-*@2026-12-03T02:00:00Z/2026-12-03T04:00:00Z. Anomalies inside one are scored and counted "
                                + "(kade_incident_muted_total, muted: true on the scores topic) but open and join no incident, "
                                + "send no per-record alert, and teach a windowed entity's baseline nothing (docs/alerting.md).")
                .define(MUTE_SCHEDULES, Type.STRING, "", null, LOW,
                        "Recurring maintenance windows, semicolon-separated ENTITY_PATTERN@CRON|DURATION[|ZONE]: a 5-field "
                                + "cron expression (minute hour day-of-month month day-of-week) that opens the window, an "
                                + "ISO-8601 duration it lasts, and a time zone (default UTC), e.g. "
                                + "db-*@0 2 * * SUN|PT2H|Europe/Berlin. Muted as alerts.mute.rules; a bad one fails the start.")
                .define(MUTE_TOPIC, Type.STRING, "", null, LOW,
                        "A compacted control topic of mute rules, changed without a restart: key = rule id, value = a JSON "
                                + "rule (entity, entity_pattern or all; start and end, or a schedule), a tombstone deletes it "
                                + "(docs/alerting.md). Every instance reads it whole (a global store); bad records go to the "
                                + "dead-letter topic. Applies beside alerts.mute.rules and alerts.mute.schedules. Empty: none.")
                .define(MUTE_REFRESH_MS, Type.LONG, 1_000L, Range.atLeast(0), LOW,
                        "With alerts.mute.topic: how often (wall clock) a task reads the rules again; a change applies "
                                + "from its next record after that.")
                .define(LINK_TEMPLATE, Type.STRING, "", null, LOW,
                        "Incident mode: a link put on every event, with {entity}, {model} and {incident_id} filled in "
                                + "(URL-encoded), e.g. https://grafana/d/x?var-entity={entity}. Empty: no link.")
                .define(FEEDBACK_TOPIC, Type.STRING, "", null, LOW,
                        "Incident mode: a compacted topic alert consumers write labels to, keyed by incident id, "
                                + "{\"incident_id\",\"entity\",\"label\":\"false_positive|true_positive|new_normal\"} "
                                + "(docs/output-formats.md). Every instance reads it whole (a global store). Empty: no feedback.")
                .define(FEEDBACK_FACTOR, Type.DOUBLE, 2.0, Range.atLeast(1.0), LOW,
                        "Incident mode with feedback: each false_positive or new_normal label of an entity multiplies the "
                                + "score (in units of the model's threshold) its next incident needs to open by this much.")
                .define(FEEDBACK_MAX_FACTOR, Type.DOUBLE, 8.0, Range.atLeast(1.0), LOW,
                        "Incident mode with feedback: the most an entity's bar may be raised, so that a real incident far "
                                + "above the noise still opens.")
                .define(FEEDBACK_REFRESH_MS, Type.LONG, 1_000L, Range.atLeast(0), LOW,
                        "Incident mode with feedback: how often (wall clock) a task reads the labels again; they apply from "
                                + "its next batch.")
                .define(BUDGET_PER_ENTITY_PER_DAY, Type.DOUBLE, 0.0, Range.atLeast(0.0), MEDIUM,
                        "Incident mode: an alert budget, at most this many incidents per entity (and model version) per day "
                                + "of event time, instead of choosing a threshold: kade derives each entity's threshold from "
                                + "the incidents its scores would have opened at 64 levels above the model's threshold "
                                + "(docs/alerting.md#alert-budgets). Anomalies below it open and join no incident. Only raises "
                                + "the model's threshold. 0: no budget. Per-record models.")
                .define(BUDGET_PER_DAY, Type.DOUBLE, 0.0, Range.atLeast(0.0), LOW,
                        "Incident mode: an alert budget over the whole stream, incidents per day, split evenly over "
                                + BUDGET_PARTITIONS + " (each task derives one threshold for its entities from its share). "
                                + "0: none. With both budgets the higher threshold applies. Per-record models.")
                .define(BUDGET_PARTITIONS, Type.INT, 0, Range.atLeast(0), LOW,
                        "With " + BUDGET_PER_DAY + ": the input partitions it is split over (the most partitions of any "
                                + "input topic: one task each); required with it.")
                .define(BUDGET_WARMUP_MS, Type.LONG, 3_600_000L, Range.atLeast(0), LOW,
                        "With a budget: event time a task scores a model version before the derived threshold applies; "
                                + "until then the model's threshold applies and an entity opens at most ceil(N x warm-up / "
                                + "day) incidents (at least 1).");
    }
}
