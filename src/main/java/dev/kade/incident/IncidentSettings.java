package dev.kade.incident;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code alerts.*} settings, typed.
 *
 * @param mode               per-record alerts or incident events
 * @param perRecordEntity    what an incident of a per-record model belongs to
 * @param updateInterval     least event time between two events of one incident ({@code updated} is rate-limited)
 * @param quietTime          event time without an anomaly of the entity after which its incident is resolved
 * @param resolveAfterNormal normal records of the entity in a row that resolve it; 0: only the quiet time does
 * @param linkTemplate       a URL with {@code {entity}}, {@code {model}}, {@code {incident_id}} placeholders, or empty
 * @param format             how events are rendered
 * @param muteRules          maintenance windows of the settings, absolute and recurring ({@code alerts.mute.rules},
 *                           {@code alerts.mute.schedules}): anomalies they match open no incident and send no alert
 * @param wallClockResolution also resolve by the wall clock, so that a task receiving no records still resolves its
 *                           incidents (at the cost of event-time determinism; docs/alerting.md)
 * @param feedback           the feedback topic and how labels raise an entity's bar ({@code alerts.feedback.*})
 * @param muteTopic          the control topic of mute rules ({@code alerts.mute.topic}), beside {@code muteRules}
 * @param budget             alert budgets: incidents a day, from which the threshold is derived ({@code alerts.budget.*})
 */
public record IncidentSettings(AlertMode mode, IncidentEntity perRecordEntity, Duration updateInterval, Duration quietTime,
                               int resolveAfterNormal, Optional<String> linkTemplate, IncidentFormat format,
                               boolean wallClockResolution, List<MuteRule> muteRules, FeedbackSettings feedback,
                               MuteTopicSettings muteTopic, BudgetSettings budget) {
    /** Per-record alerts (the default), with the incident defaults for when the mode is switched. */
    public static final IncidentSettings DEFAULT = new IncidentSettings(AlertMode.RECORD, IncidentEntity.PARTITION,
            Duration.ofMinutes(1), Duration.ofMinutes(5), 0, Optional.empty(), IncidentFormat.KADE, false, List.of(),
            FeedbackSettings.OFF, MuteTopicSettings.OFF, BudgetSettings.OFF);

    /** Settings without a budget. */
    public IncidentSettings(AlertMode mode, IncidentEntity perRecordEntity, Duration updateInterval, Duration quietTime,
                            int resolveAfterNormal, Optional<String> linkTemplate, IncidentFormat format,
                            boolean wallClockResolution, List<MuteRule> muteRules, FeedbackSettings feedback,
                            MuteTopicSettings muteTopic) {
        this(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format, wallClockResolution,
                muteRules, feedback, muteTopic, BudgetSettings.OFF);
    }

    /** Settings without a mute control topic. */
    public IncidentSettings(AlertMode mode, IncidentEntity perRecordEntity, Duration updateInterval, Duration quietTime,
                            int resolveAfterNormal, Optional<String> linkTemplate, IncidentFormat format,
                            boolean wallClockResolution, List<MuteRule> muteRules, FeedbackSettings feedback,
                            BudgetSettings budget) {
        this(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format, wallClockResolution,
                muteRules, feedback, MuteTopicSettings.OFF, budget);
    }

    /** Settings without a mute control topic or a budget. */
    public IncidentSettings(AlertMode mode, IncidentEntity perRecordEntity, Duration updateInterval, Duration quietTime,
                            int resolveAfterNormal, Optional<String> linkTemplate, IncidentFormat format,
                            boolean wallClockResolution, List<MuteRule> muteRules, FeedbackSettings feedback) {
        this(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format, wallClockResolution,
                muteRules, feedback, MuteTopicSettings.OFF, BudgetSettings.OFF);
    }

    /** Settings without feedback. */
    public IncidentSettings(AlertMode mode, IncidentEntity perRecordEntity, Duration updateInterval, Duration quietTime,
                            int resolveAfterNormal, Optional<String> linkTemplate, IncidentFormat format,
                            boolean wallClockResolution, List<MuteRule> muteRules) {
        this(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format, wallClockResolution,
                muteRules, FeedbackSettings.OFF);
    }

    public IncidentSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(perRecordEntity, "perRecordEntity");
        Objects.requireNonNull(updateInterval, "updateInterval");
        Objects.requireNonNull(quietTime, "quietTime");
        Objects.requireNonNull(linkTemplate, "linkTemplate");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(feedback, "feedback");
        Objects.requireNonNull(muteTopic, "muteTopic");
        Objects.requireNonNull(budget, "budget");
        muteRules = List.copyOf(muteRules);
        if (updateInterval.isNegative()) {
            throw new IllegalArgumentException("updateInterval must be >= 0");
        }
        if (quietTime.isNegative() || quietTime.isZero()) {
            throw new IllegalArgumentException("quietTime must be > 0");
        }
        if (resolveAfterNormal < 0) {
            throw new IllegalArgumentException("resolveAfterNormal must be >= 0");
        }
    }

    public boolean incidents() {
        return mode == AlertMode.INCIDENT;
    }

    /** These settings in incident mode (tests and benchmarks). */
    public IncidentSettings inIncidentMode() {
        return new IncidentSettings(AlertMode.INCIDENT, perRecordEntity, updateInterval, quietTime, resolveAfterNormal,
                linkTemplate, format, wallClockResolution, muteRules, feedback, muteTopic, budget);
    }

    /** These settings with other feedback settings (tests and benchmarks). */
    public IncidentSettings withFeedback(FeedbackSettings other) {
        return new IncidentSettings(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format,
                wallClockResolution, muteRules, other, muteTopic, budget);
    }

    /** These settings with another mute control topic (tests and benchmarks). */
    public IncidentSettings withMuteTopic(MuteTopicSettings other) {
        return new IncidentSettings(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format,
                wallClockResolution, muteRules, feedback, other, budget);
    }

    /** These settings with other mute rules (tests and benchmarks). */
    public IncidentSettings withMuteRules(List<MuteRule> other) {
        return new IncidentSettings(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format,
                wallClockResolution, other, feedback, muteTopic, budget);
    }

    /** These settings with another alert budget (tests and benchmarks). */
    public IncidentSettings withBudget(BudgetSettings other) {
        return new IncidentSettings(mode, perRecordEntity, updateInterval, quietTime, resolveAfterNormal, linkTemplate, format,
                wallClockResolution, muteRules, feedback, muteTopic, other);
    }

    /** Whether any mute rule can apply (from the settings or the control topic). */
    public boolean mutes() {
        return !muteRules.isEmpty() || muteTopic.enabled();
    }
}
