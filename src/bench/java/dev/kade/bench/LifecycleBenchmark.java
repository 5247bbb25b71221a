package dev.kade.bench;

import java.util.Locale;

/**
 * Issue 20's figures in one line ({@code src/bench/lifecycle/run}): drift on the shuttle set ({@link DriftBenchmark}:
 * records of a shifted copy until the alert level is crossed, and clean runs of 1,000,000 resampled records over 5
 * seeds with and without a false alarm), and the shadow model's cost from the stream-process benchmark's JSON line
 * ({@code -Dkade.bench.streamJson=FILE}, written by the script: the median over rounds of kade + shadow's CPU per record
 * over kade's, exactly_once_v2; null without the file). {@code loop_ok} is the outcome of the whole-loop integration
 * test {@code ModelLoopIT} (drift → {@code train --from-topic} → shadow → promote → alerts with the new version, no record
 * lost or duplicated under exactly_once_v2), which the script runs through Maven's failsafe and passes in as
 * {@code -Dkade.bench.loopOk=true|false} with its wall time {@code -Dkade.bench.loopSeconds}; null when the script did not
 * run it ({@code --drift-only}, {@code --no-loop}). Arguments are {@link DriftBenchmark}'s (default {@code --set shuttle}).
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
        String loopOk = switch (System.getProperty("kade.bench.loopOk", "")) {
            case "true" -> "true";
            case "false" -> "false";
            default -> "null"; // not run: an absent outcome is never reported as a pass or a failure
        };
        String loopSeconds = System.getProperty("kade.bench.loopSeconds", "");
        String loop = loopOk.equals("null") ? "null" : String.format(Locale.ROOT,
                "{\"test\":\"dev.kade.stream.ModelLoopIT\",\"passed\":%s,\"seconds\":%s}", loopOk,
                loopSeconds.matches("[0-9]+") ? loopSeconds : "null");
        String streamFile = System.getProperty("kade.bench.streamJson", "");
        String ratio = "null";
        String stream = "null";
        if (!streamFile.isBlank()) {
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(java.nio.file.Files.readString(java.nio.file.Path.of(streamFile)));
            for (com.fasterxml.jackson.databind.JsonNode g : root.path("summary")) {
                if (g.path("guarantee").asText().equals("exactly_once_v2") && g.has("shadow_cpu_ratio")) {
                    ratio = Double.toString(g.path("shadow_cpu_ratio").path("median").asDouble());
                    stream = String.format(Locale.ROOT, "{\"records\":%d,\"rounds\":%d,\"machine\":%s,\"shadow_cpu_ratio\":%s,"
                            + "\"shadow_cpu_ratio_without_jit\":%s,\"shadow_rate_ratio\":%s,\"kade_cpu_us_per_record\":%s,"
                            + "\"kade_shadow_cpu_us_per_record\":%s}",
                            root.path("records").asLong(), root.path("rounds").asInt(), root.path("machine").toString(),
                            g.path("shadow_cpu_ratio"), g.path("shadow_cpu_ratio_without_jit"), g.path("shadow_rate_ratio"), g.path("kade_cpu_us_per_record"),
                            g.path("kade_shadow_cpu_us_per_record"));
                }
            }
        }
        System.out.println(String.format(Locale.ROOT, "{\"benchmark\":\"lifecycle\",\"commit\":\"%s\",\"drift_records_to_alert\":%s,"
                        + "\"drift_clean_runs\":%d,\"drift_false_alarm_runs\":%d,\"shadow_cost_ratio\":%s,\"loop_ok\":%s,"
                        + "\"not_built\":[],\"loop\":%s,\"shadow_stream\":%s,\"drift\":%s}",
                System.getProperty("kade.bench.commit", "unknown"), drift.recordsToAlert() == null ? "null" : drift.recordsToAlert(),
                drift.cleanRuns(), drift.falseAlarmRuns(), ratio, loopOk, loop, stream, drift.json()));
    }
}
