package dev.kade.onnx;

import dev.kade.model.ModelMetadata;
import java.nio.FloatBuffer;

/**
 * Scoring a foreign model, which outputs only a reconstruction x̂: kade computes
 * {@code feature_errors = ((x - x̂) / scale)²} and {@code score = mean(feature_errors)} itself, with the
 * metadata's optional feature scales as {@code scale} (1 otherwise), the same way kade's own export does in
 * its graph. Immutable; allocates nothing per row.
 */
final class ReconstructionScore {
    private final int width;
    private final float[] inverseScaleSquared;

    ReconstructionScore(ModelMetadata metadata) {
        this.width = metadata.features().size();
        this.inverseScaleSquared = new float[width];
        double[] scales = metadata.featureScales().orElse(null);
        for (int j = 0; j < width; j++) {
            double s = scales == null ? 1.0 : scales[j];
            inverseScaleSquared[j] = (float) (1.0 / (s * s));
        }
    }

    /**
     * Rows {@code first .. first + n} of {@code features}, against their reconstruction (row i of the batch at
     * {@code reconstruction[i * width ..]}), into {@code score} and {@code featureErrors} at the same rows.
     */
    void score(float[] features, int first, int n, FloatBuffer reconstruction, float[] score, float[] featureErrors) {
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int row = (first + i) * width;
            for (int j = 0; j < width; j++) {
                float d = features[row + j] - reconstruction.get(i * width + j);
                float e = d * d * inverseScaleSquared[j];
                featureErrors[row + j] = e;
                sum += e;
            }
            score[first + i] = (float) (sum / width);
        }
    }
}
