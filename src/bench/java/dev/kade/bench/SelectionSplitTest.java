package dev.kade.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kade.train.MemberScale;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainKind;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The split {@link SelectionBenchmark} chooses on: the validation and held-out parts of a labelled file must be
 * disjoint, cover every row, keep each class's share, and be the same on every run (else the held-out figures would
 * not be reproducible, or rows seen during selection could reappear in them).
 */
class SelectionSplitTest {
    private static SelectionBenchmark.Labelled sample(int normals, int anomalies) {
        int n = normals + anomalies;
        float[][] rows = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = new float[] {i}; // the row's own index, to identify it after the split
            labels[i] = i % 7 == 0 && anomalies-- > 0 ? 1 : 0;
        }
        return new SelectionBenchmark.Labelled(rows, labels);
    }

    @Test
    void partsAreDisjointCoverEveryRowAndKeepEachClassShare() {
        SelectionBenchmark.Labelled all = sample(900, 101);
        SelectionBenchmark.Labelled[] parts = SelectionBenchmark.stratifiedSplit(all, 0.5, 20261203L);
        Set<Float> seen = new HashSet<>();
        for (SelectionBenchmark.Labelled part : parts) {
            for (int i = 0; i < part.rows().length; i++) {
                float id = part.rows()[i][0];
                assertEquals(all.labels()[(int) id], part.labels()[i], "a row keeps its label");
                assertEquals(true, seen.add(id), "row " + id + " is in both parts");
            }
        }
        assertEquals(all.rows().length, seen.size());
        long anomalies = Arrays.stream(all.labels()).filter(l -> l == 1).count();
        long validationAnomalies = Arrays.stream(parts[0].labels()).filter(l -> l == 1).count();
        assertEquals(Math.round(0.5 * anomalies), validationAnomalies);
        assertEquals(Math.round(0.5 * (all.rows().length - anomalies)), parts[0].rows().length - validationAnomalies);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        SelectionBenchmark.Labelled all = sample(500, 60);
        SelectionBenchmark.Labelled[] a = SelectionBenchmark.stratifiedSplit(all, 0.5, 7);
        SelectionBenchmark.Labelled[] b = SelectionBenchmark.stratifiedSplit(all, 0.5, 7);
        SelectionBenchmark.Labelled[] c = SelectionBenchmark.stratifiedSplit(all, 0.5, 8);
        assertArrayEquals(ids(a[0]), ids(b[0]));
        assertEquals(false, Arrays.equals(ids(a[0]), ids(c[0])));
    }

    @Test
    void theChoiceIsTheHighestMeanValidationRocAuc() {
        double[][] roc = new double[SelectionBenchmark.CANDIDATES.size()][];
        for (int c = 0; c < roc.length; c++) {
            roc[c] = new double[] {0.80, 0.80};
        }
        roc[3] = new double[] {0.95, 0.70}; // mean 0.825
        roc[5] = new double[] {0.83, 0.83}; // mean 0.83: the best mean, not the best single value
        assertEquals(5, SelectionBenchmark.choose(roc));
    }

    @Test
    void theCurrentDefaultIsTheEnsembleKadeTrainMakes() {
        // kade train with no options: DEFAULT_ENSEMBLE members, member k of kind memberKind(k) with member seed k
        TrainConfig mix = TrainKind.MIX.defaults().build();
        SelectionBenchmark.Candidate current = SelectionBenchmark.CURRENT_DEFAULT;
        assertEquals(TrainConfig.DEFAULT_ENSEMBLE, current.members().length);
        for (int k = 0; k < current.members().length; k++) {
            assertEquals(new SelectionBenchmark.Member(mix.memberKind(k).label(), k), SelectionBenchmark.MEMBERS.get(current.members()[k]),
                    "member " + k);
        }
        assertEquals(true, current.weighted());
        assertEquals(MemberScale.Fit.MEDIAN_IQR, current.fit());
        assertEquals(true, current.name().startsWith("3 AEs + 3 VAEs, median/IQR"), current.name());
        // the last row is kade train --ensemble 4: AEs with member seeds 0, 1 (pool 0, 1), VAEs with 2, 3 (pool 11, 3)
        SelectionBenchmark.Candidate four = SelectionBenchmark.CANDIDATES.get(SelectionBenchmark.CANDIDATES.size() - 1);
        assertArrayEquals(new int[] {0, 1, 11, 3}, four.members(), four.name());
    }

    private static float[] ids(SelectionBenchmark.Labelled part) {
        float[] v = new float[part.rows().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = part.rows()[i][0];
        }
        return v;
    }
}
