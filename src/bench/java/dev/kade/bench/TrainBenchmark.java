package dev.kade.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelKind;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Training time of the default ensemble ({@code kade train} with no options: {@link TrainConfig#DEFAULT_ENSEMBLE} members, 3 AEs + 3 VAEs) on one CSV file, once per
 * entry of {@code --threads} (default {@code 1,2,2,1}: repeated in both orders, so that a shared machine's changing load
 * falls on both counts): wall time of the whole ensemble, the speed-up of each count's median over the first count's, and
 * each member's seconds per epoch (timed on the member's own thread), and the process's CPU time and the cores it got
 * (CPU / wall): on a shared machine a second thread helps only as far as the machine gives it a second core. Every member runs exactly {@code --epochs}
 * epochs (early stopping off), so the runs do the same work; the models of all thread counts are checked to be
 * bit-identical, and each model's SHA-256 (of its ONNX bytes) is printed, so that runs of two commits show whether a change
 * altered the trained model. Ends with ONE JSON line. The PyTorch side of the comparison is {@code src/bench/train/torch_ae.py},
 * which {@code src/bench/train/run} runs only where {@code import torch} works.
 */
public final class TrainBenchmark {
    private TrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("../shared/datasets/optdigits.train.csv");
        int epochs = 20;
        List<Integer> threadCounts = List.of(1, 2, 2, 1);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--file" -> file = Path.of(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::valueOf).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --file CSV, --epochs N, --threads 1,2)");
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no training file " + file + " (give --file CSV, e.g. /work/shared/datasets/optdigits.train.csv)");
        }
        DataSet data = DataSetReader.read(file, DataSetReader.Options.defaults());
        TrainConfig config = TrainConfig.defaults(ModelKind.AE).toBuilder().mixed(true).ensemble(TrainConfig.DEFAULT_ENSEMBLE)
                .epochs(epochs).earlyStoppingPatience(0).build();
        String machine = String.format(Locale.ROOT, "%d cores, load average at start %s, Java %s", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0], System.getProperty("java.version"));
        log("%s: %d rows x %d features; default ensemble (%d members), %d epochs each, batch %d; %s", file, data.size(), data.width(),
                config.ensemble(), epochs, config.batchSize(), machine);
        // JIT warm-up: one short untimed run, so the first thread count does not pay for compilation
        new Trainer(Clock.systemUTC(), threadCounts.get(0)).trainEnsemble(data, config.toBuilder().epochs(2).build(), ProgressListener.NONE);
        ObjectNode root = new ObjectMapper().createObjectNode().put("benchmark", "train").put("file", file.toString())
                .put("rows", data.size()).put("features", data.width()).put("members", config.ensemble()).put("epochs", epochs)
                .put("commit", System.getProperty("kade.bench.commit", "unknown")).put("machine", machine);
        ArrayNode results = root.putArray("results");
        java.util.Map<Integer, List<Double>> walls = new java.util.LinkedHashMap<>();
        byte[] firstModel = null;
        for (int threads : threadCounts) {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            TrainedEnsemble model = new Trainer(Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC), threads)
                    .trainEnsemble(data, config, ProgressListener.NONE);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            byte[] bytes = dev.kade.export.OnnxExporter.toProto(model).toByteArray();
            boolean identical = firstModel == null || Arrays.equals(firstModel, bytes);
            String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
            if (firstModel == null) {
                firstModel = bytes;
            }
            List<String> perMember = new ArrayList<>();
            walls.computeIfAbsent(threads, t -> new ArrayList<>()).add(wall);
            ObjectNode r = results.addObject().put("threads", threads).put("wall_s", round(wall))
                    .put("wall_s_per_epoch", round(wall / epochs)).put("process_cpu_s", round(cpu)).put("cores_used", round(cpu / wall))
                    .put("model_identical_to_first", identical).put("model_sha256", digest);
            ArrayNode members = r.putArray("members");
            for (int k = 0; k < model.members().size(); k++) {
                TrainedModel m = model.members().get(k);
                double perEpoch = m.history().meanEpochSeconds();
                perMember.add(String.format(Locale.ROOT, "%d %s %.3f", k + 1, m.network().kind().label(), perEpoch));
                members.addObject().put("member", k + 1).put("kind", m.network().kind().label()).put("epochs", m.history().epochs())
                        .put("s_per_epoch", round(perEpoch));
            }
            log("threads %d: ensemble %.1f s (%.2f s per epoch of all members), process CPU %.1f s (%.2f cores), model %s (SHA-256 %s); "
                    + "member s/epoch: %s", threads, wall, wall / epochs, cpu, cpu / wall, identical ? "bit-identical" : "DIFFERENT",
                    digest.substring(0, 16), String.join(", ", perMember));
            if (!identical) {
                throw new IllegalStateException("the model trained with " + threads + " threads differs from the first");
            }
        }
        ArrayNode speedups = root.putArray("speedup_of_median");
        double base = median(walls.get(threadCounts.get(0)));
        for (var e : walls.entrySet()) {
            double m = median(e.getValue());
            log("threads %d: median %.1f s over %d run(s), speed-up %.2fx over %d thread(s)", e.getKey(), m, e.getValue().size(),
                    base / m, threadCounts.get(0));
            speedups.addObject().put("threads", e.getKey()).put("median_wall_s", round(m)).put("speedup", round(base / m));
        }
        System.out.println(root);
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }
}
