package dev.kade.cli;

import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The training-data options of {@code train} and {@code tune}, defined once (a picocli mixin): which file, which
 * columns are features, and what to do with a missing value. Both commands read the file the same way, so they
 * extract the same features the stream will.
 */
final class TrainingDataOptions {

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training data: .csv (header), .jsonl or an .avro container file; normal rows only.")
    Path data;

    @Option(names = "--features", split = ",", paramLabel = "NAME", description = "Feature columns in order; dotted names are nested JSON paths. Default: every numeric column except those named like a label, id or time (listed as notes).")
    List<String> features = List.of();

    @Option(names = "--exclude-columns", split = ",", paramLabel = "NAME", description = "Columns never used as features (ids, timestamps, labels).")
    List<String> exclude = List.of();

    @Option(names = "--imputation", defaultValue = "fail", paramLabel = "fail|mean|drop-row", converter = ImputationConverter.class,
            description = "What to do with a missing or non-numeric value (default: ${DEFAULT-VALUE}: stop, naming file, line and column).")
    ImputationPolicy imputation;

    /** The training file, read with these options. */
    DataSet read() throws DataSetException {
        return read(Set.of());
    }

    /**
     * The training file, read with these options and {@code keyColumns} (entity, time) never taken as features.
     *
     * @throws IllegalArgumentException when {@code --features} names one of the key columns
     */
    DataSet read(Set<String> keyColumns) throws DataSetException {
        for (String k : keyColumns) {
            if (features.contains(k)) {
                throw new IllegalArgumentException("--features names '" + k + "', which is the entity or time column");
            }
        }
        Set<String> excluded = new java.util.HashSet<>(exclude);
        excluded.addAll(keyColumns);
        return DataSetReader.read(data, DataSetReader.Options.defaults()
                .withFeatures(features).withExcludeColumns(Set.copyOf(excluded)).withImputation(imputation));
    }

    /** fail|mean|drop-row. */
    static final class ImputationConverter implements CommandLine.ITypeConverter<ImputationPolicy> {
        @Override
        public ImputationPolicy convert(String value) {
            try {
                return ImputationPolicy.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected fail, mean or drop-row, got '" + value + "'");
            }
        }
    }
}
