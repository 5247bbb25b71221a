package dev.kade.features;

import dev.kade.model.ModelFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rows of feature values in the order {@link #features()} names them, optionally with 0/1 labels
 * (1 = anomaly), and where they came from. Build one with {@link DataSetReader}.
 *
 * <p>The arrays are not copied (data sets are large); treat them as read-only. {@link #notes()} says what the
 * reader decided about columns (left out by name, constant, identifier-like) for the commands to show the user.
 */
public record DataSet(List<String> features, float[][] rows, int[] labels, String source, List<String> notes) {

    public DataSet {
        features = List.copyOf(Objects.requireNonNull(features, "features"));
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(source, "source");
        if (features.isEmpty()) {
            throw new IllegalArgumentException(source + ": no feature columns");
        }
        for (float[] r : rows) {
            if (r.length != features.size()) {
                throw new IllegalArgumentException(source + ": a row has " + r.length + " values for " + features.size() + " features");
            }
        }
        if (labels != null && labels.length != rows.length) {
            throw new IllegalArgumentException(source + ": " + labels.length + " labels for " + rows.length + " rows");
        }
    }

    public DataSet(List<String> features, float[][] rows, int[] labels, String source) {
        this(features, rows, labels, source, List.of());
    }

    /** An unlabelled data set. */
    public static DataSet of(List<String> features, float[][] rows, String source) {
        return new DataSet(features, rows, null, source);
    }

    public int size() {
        return rows.length;
    }

    public int width() {
        return features.size();
    }

    public Optional<int[]> labelsIfAny() {
        return Optional.ofNullable(labels);
    }

    /** SHA-256 over feature names and the float bits of every value: the model's training-data fingerprint. */
    public String fingerprint() {
        MessageDigest md = ModelFiles.newSha256();
        for (String f : features) {
            md.update(f.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * features.size());
        for (float[] r : rows) {
            buf.clear();
            for (float v : r) {
                buf.putFloat(v);
            }
            md.update(buf.array());
        }
        return "sha256:" + ModelFiles.hex(md.digest());
    }
}
