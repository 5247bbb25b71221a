package dev.kade.bench;

import java.util.Locale;

/**
 * Issue 20's figures in one line ({@code src/bench/lifecycle/run}): drift on the shuttle set ({@link DriftBenchmark}:
 * records of a shifted copy until the alert level is crossed, and clean runs of 1,000,000 resampled records over 5
 * seeds with and without a false alarm). {@code shadow_cost_ratio} and {@code loop_ok} are null: the shadow model and
 * the retrain-shadow-promote loop they would measure are not built yet, and the line says so in {@code not_built}.
 * Arguments are {@link DriftBenchmark}'s (default {@code --set shuttle}).
 */
public final class LifecycleBenchmark {
    private LifecycleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String[] driftArgs = args.length == 0 ? new String[] {"--set", "shuttle"} : args;
        DriftBenchmark.Result drift = DriftBenchmark.measure(driftArgs);
        if (drift == null) {
            return; // --select printed its own lines
        }
        System.out.println(String.format(Locale.ROOT, "{\"benchmark\":\"lifecycle\",\"commit\":\"%s\",\"drift_records_to_alert\":%s,"
                        + "\"drift_clean_runs\":%d,\"drift_false_alarm_runs\":%d,\"shadow_cost_ratio\":null,\"loop_ok\":null,"
                        + "\"not_built\":[\"shadow (shadow_cost_ratio)\",\"train --from-topic, promote and the whole-loop IT (loop_ok)\"],"
                        + "\"drift\":%s}",
                System.getProperty("kade.bench.commit", "unknown"), drift.recordsToAlert() == null ? "null" : drift.recordsToAlert(),
                drift.cleanRuns(), drift.falseAlarmRuns(), drift.json()));
    }
}
