package dev.kade.bench;

import dev.kade.features.FeatureException;
import dev.kade.features.RecordReader;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import dev.kade.output.Alert;
import dev.kade.output.OutputLimits;
import dev.kade.output.OutputTooLargeException;
import dev.kade.output.OutputWriter;
import dev.kade.output.ScoreRecord;
import dev.kade.output.Source;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The stream's per-record work without Kafka, on one thread: parse (streaming feature read into the
 * batch array) → score (one ONNX Runtime call per batch) → render (a score record for every record, an
 * alert for each anomaly), at batch sizes 1, 16, 64 and 256; and inference alone. One operation is one
 * record ({@link #RECORDS} per invocation), so the scores read as records/s and {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} as bytes allocated per record.
 *
 * <p>Run: {@code src/bench/jmh/run} (builds, then {@code RecordPathJmh -prof gc}; any arguments go to JMH in
 * their place, e.g. {@code src/bench/jmh/run 'RecordPathJmh.inference' -p batch=256 -f 1}); see src/bench/README.md.
 * Not a JUnit test: {@code mvn verify} compiles it and never runs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Xss4m"})
public class RecordPathJmh {
    /** Records per benchmark invocation, whatever the batch size. */
    static final int RECORDS = 256;
    private static final int POOL = 4096;
    private static final Instant EVENT = Instant.parse("2026-11-25T12:00:00Z");

    @Param({"1", "16", "64", "256"})
    public int batch;

    private OnnxModel model;
    private ModelMetadata meta;
    private RecordReader reader;
    private OutputWriter writer;
    private byte[][] records;
    private byte[][] keys;
    private int width;
    private float[] features;
    private float[] score;
    private float[] errors;
    private float[] prepared;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() throws FeatureException {
        model = OnnxModel.load(ShuttleBench.model());
        meta = model.metadata();
        width = meta.features().size();
        reader = new RecordReader(meta.features());
        writer = new OutputWriter(OutputLimits.DEFAULT);
        records = ShuttleBench.records(POOL);
        keys = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            keys[i] = ("host-" + i).getBytes(StandardCharsets.UTF_8);
        }
        features = new float[RECORDS * width];
        score = new float[RECORDS];
        errors = new float[RECORDS * width];
        prepared = new float[RECORDS * width];
        for (int i = 0; i < RECORDS; i++) {
            reader.read(records[i], prepared, i * width);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /** Parse → score → render, {@link #RECORDS} records in batches of {@link #batch}. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void recordPath(Blackhole bh) throws FeatureException, OutputTooLargeException {
        for (int done = 0; done < RECORDS; done += batch) {
            int base = cursor;
            for (int i = 0; i < batch; i++) {
                reader.read(records[(base + i) % POOL], features, i * width);
            }
            model.score(features, batch, score, errors);
            for (int i = 0; i < batch; i++) {
                int r = (base + i) % POOL;
                Source source = new Source("metrics", 0, base + i);
                boolean anomaly = score[i] >= meta.threshold();
                bh.consume(writer.score(new ScoreRecord(score[i], anomaly, meta, source), keys[r]));
                if (anomaly) {
                    bh.consume(writer.alert(new Alert(keys[r], source, EVENT, EVENT, meta, score[i], features, errors, i * width, 3)));
                }
            }
            cursor = (base + batch) % POOL;
        }
    }

    /** ONNX Runtime alone on rows already read, {@link #RECORDS} rows in batches of {@link #batch}. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void inference(Blackhole bh) {
        for (int done = 0; done < RECORDS; done += batch) {
            System.arraycopy(prepared, done * width, features, 0, batch * width);
            model.score(features, batch, score, errors);
            bh.consume(score[0]);
        }
    }
}
