package dev.kade.incident;

import java.util.ArrayList;
import java.util.List;

/** The names of the features with the largest errors in one row, largest first (ties by column order). */
public final class TopFeatures {
    private TopFeatures() {
    }

    /**
     * @param names  the model's features
     * @param errors the row's feature errors, {@code names.size()} values from {@code offset}
     * @param limit  how many to name at most
     */
    public static List<String> of(List<String> names, float[] errors, int offset, int limit) {
        int width = names.size();
        int n = Math.min(limit, width);
        List<String> out = new ArrayList<>(n);
        boolean[] taken = new boolean[width];
        for (int k = 0; k < n; k++) {
            int best = -1;
            for (int j = 0; j < width; j++) {
                if (!taken[j] && (best < 0 || Float.compare(errors[offset + j], errors[offset + best]) > 0)) {
                    best = j;
                }
            }
            taken[best] = true;
            out.add(names.get(best));
        }
        return out;
    }
}
