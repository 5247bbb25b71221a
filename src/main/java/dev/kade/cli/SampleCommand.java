package dev.kade.cli;

import dev.kade.export.OnnxExporter;
import dev.kade.features.RecordJson;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxDecoder;
import dev.kade.onnx.OnnxModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kade sample}: synthetic normal records from a VAE, drawn from its generative model: a code z from
 * the prior N(0, I), decoded through ONNX Runtime by the model's decoder graph ({@code MODEL.decoder.onnx})
 * into the mean x̂(z), plus the decoder's own noise (N(0, I) in standardised space, {@code kade.decoder_sigma}
 * in raw units; {@code --mean-only} leaves it out). Without the noise, features the VAE models as noise
 * (their spread is within the decoder's unit variance) come out nearly constant. Written as JSON Lines with
 * the model's feature names (dotted names nested, as the stream reads them).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw synthetic normal records from a VAE (or an ensemble with a VAE member) as JSON Lines: "
                + "codes from the prior N(0, I), decoded by MODEL.decoder.onnx through ONNX Runtime, plus the decoder's noise."})
public final class SampleCommand implements Callable<Integer> {
    /** Codes decoded per ONNX Runtime call. */
    static final int BATCH = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The model; its decoder graph MODEL.decoder.onnx must lie beside it.")
    Path model;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Records to draw (at least 1).")
    long n;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the codes drawn (default: ${DEFAULT-VALUE}); same seed, same records.")
    long seed;

    @Option(names = "--output", paramLabel = "FILE", description = "Write here instead of standard output.")
    Path output;

    @Option(names = "--mean-only", description = "Write the decoder's mean x̂(z) without the decoder noise: smoother "
            + "records, less spread than the data.")
    boolean meanOnly;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (n < 1) {
            return refuse(err, "--n " + n + ": must be >= 1");
        }
        if (!Files.isRegularFile(model)) {
            return refuse(err, "--model " + model + ": no such file");
        }
        ModelMetadata meta;
        try (OnnxModel m = OnnxModel.load(model)) {
            meta = m.metadata();
        } catch (InvalidModelException e) {
            return refuse(err, "--model " + model + ": " + e.getMessage());
        }
        if (meta.kind() == ModelKind.AE || meta.kind() == ModelKind.RECONSTRUCTION) {
            return refuse(err, "--model " + model + " is an " + (meta.kind() == ModelKind.AE ? "AE" : "foreign reconstruction model")
                    + ": only a VAE (or an ensemble with a VAE member) has a prior to sample codes from");
        }
        try (OnnxDecoder decoder = OnnxDecoder.load(OnnxExporter.decoderPath(model), meta)) {
            RecordJson json = new RecordJson(meta.features());
            PrintWriter stdout = spec.commandLine().getOut();
            try (Writer w = output == null ? new java.io.FilterWriter(stdout) {
                @Override
                public void close() {
                    stdout.flush(); // standard output stays open
                }
            } : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                write(decoder, json, new BufferedWriter(w, 1 << 16));
            }
        } catch (InvalidModelException e) {
            return refuse(err, "--model " + model + ": " + e.getMessage());
        } catch (IOException e) {
            return refuse(err, "cannot write " + (output == null ? "standard output" : output) + ": " + e.getMessage());
        }
        return 0;
    }

    private void write(OnnxDecoder decoder, RecordJson json, BufferedWriter out) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        SplittableRandom noise = rng.split(); // its own stream, so --mean-only draws the same codes
        int l = decoder.latentWidth();
        float[] sigma = decoder.sigma();
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(BATCH, n - done);
            float[][] z = new float[m][l];
            for (float[] code : z) {
                for (int k = 0; k < l; k++) {
                    code[k] = (float) rng.nextGaussian();
                }
            }
            for (float[] row : decoder.decode(z)) {
                // x ~ p(x|z) = N(x̂(z), I) in standardised space: x̂ plus σ_j·ε_j in raw units
                for (int j = 0; j < row.length; j++) {
                    double e = noise.nextGaussian();
                    if (!meanOnly) {
                        row[j] = (float) (row[j] + sigma[j] * e);
                    }
                }
                out.write(json.toJson(row));
                out.write('\n');
            }
            done += m;
        }
        out.flush();
    }

    /** One line on standard error and exit 2: the request cannot be served as given. */
    private static int refuse(PrintWriter err, String why) {
        err.println("kade sample: " + why);
        err.flush();
        return 2;
    }
}
