package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void csvAndJsonLinesGiveTheSameRows() throws IOException {
        Path csv = write("d.csv", "id,cpu.user,mem,host,label\n1,0.5,100,\"a,b\",0\n2,1.5,200,c,1\n");
        Path jsonl = write("d.jsonl", "{\"id\":1,\"cpu\":{\"user\":0.5},\"mem\":100,\"host\":\"a,b\",\"label\":0}\n\n"
                + "{\"id\":2,\"cpu\":{\"user\":\"1.5\"},\"mem\":200,\"host\":\"c\",\"label\":1}\n");
        DataSetReader.Options o = DataSetReader.Options.defaults().withLabelColumn("label").withExcludeColumns(Set.of("id"));
        DataSet a = DataSetReader.read(csv, o);
        DataSet b = DataSetReader.read(jsonl, o);
        assertThat(a.features()).containsExactly("cpu.user", "mem");
        assertThat(b.features()).containsExactly("cpu.user", "mem");
        assertThat(a.rows()).isDeepEqualTo(b.rows());
        assertThat(a.rows()[1]).containsExactly(1.5f, 200f);
        assertThat(a.labels()).containsExactly(0, 1);
        assertThat(b.labels()).containsExactly(0, 1);
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
    }

    @Test
    void nonNumericCsvValueFailsNamingFileLineAndColumn() throws IOException {
        Path csv = write("bad.csv", "a,b\n1,2\n3,oops\n");
        assertThatThrownBy(() -> DataSetReader.read(csv, DataSetReader.Options.defaults()))
                .isInstanceOf(DataSetException.class)
                .hasMessageContaining("bad.csv:3:")
                .hasMessageContaining("column 'b'")
                .hasMessageContaining("oops");
    }

    @Test
    void missingJsonValueFailsNamingFileLineAndColumn() throws IOException {
        Path jsonl = write("bad.jsonl", "{\"a\":1,\"b\":2}\n{\"a\":3}\n");
        assertThatThrownBy(() -> DataSetReader.read(jsonl, DataSetReader.Options.defaults()))
                .isInstanceOf(DataSetException.class)
                .hasMessageContaining("bad.jsonl:2:")
                .hasMessageContaining("column 'b'")
                .hasMessageContaining("missing");
    }

    @Test
    void emptyCsvCellFailsUnlessAPolicyIsChosen() throws IOException {
        Path csv = write("gaps.csv", "a,b\n1,2\n3,\n5,4\n");
        assertThatThrownBy(() -> DataSetReader.read(csv, DataSetReader.Options.defaults()))
                .hasMessageContaining("gaps.csv:3:").hasMessageContaining("column 'b'");

        DataSet mean = DataSetReader.read(csv, DataSetReader.Options.defaults().withImputation(ImputationPolicy.MEAN));
        assertThat(mean.rows()).hasDimensions(3, 2);
        assertThat(mean.rows()[1]).containsExactly(3f, 3f); // mean of 2 and 4

        DataSet dropped = DataSetReader.read(csv, DataSetReader.Options.defaults().withImputation(ImputationPolicy.DROP_ROW));
        assertThat(dropped.rows()).hasDimensions(2, 2);
        assertThat(dropped.rows()[1]).containsExactly(5f, 4f);
    }

    @Test
    void wrongNumberOfCellsAndBadLabelsAreNamed() throws IOException {
        Path csv = write("short.csv", "a,b\n1,2\n3\n");
        assertThatThrownBy(() -> DataSetReader.read(csv, DataSetReader.Options.defaults()))
                .hasMessageContaining("short.csv:3:").hasMessageContaining("1 cells");
        Path labels = write("labels.csv", "a,label\n1,0\n2,yes\n");
        assertThatThrownBy(() -> DataSetReader.read(labels, DataSetReader.Options.defaults().withLabelColumn("label")))
                .hasMessageContaining("labels.csv:3:").hasMessageContaining("column 'label'");
    }

    @Test
    void chosenFeaturesKeepTheirOrderAndUnknownOnesFail() throws IOException {
        Path csv = write("d.csv", "a,b,c\n1,2,3\n");
        DataSet d = DataSetReader.read(csv, DataSetReader.Options.defaults().withFeatures(List.of("c", "a")));
        assertThat(d.rows()[0]).containsExactly(3f, 1f);
        assertThatThrownBy(() -> DataSetReader.read(csv, DataSetReader.Options.defaults().withFeatures(List.of("z"))))
                .hasMessageContaining("d.csv:2:").hasMessageContaining("'z'");
    }

    @Test
    void readsTheShippedDataSets() {
        DataSet d = DataSetReader.read(dev.kade.train.Fixtures.DATASETS.resolve("thyroid.test.csv"),
                DataSetReader.Options.defaults().withLabelColumn("label"));
        assertThat(d.features()).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
        assertThat(d.size()).isEqualTo(1565);
        assertThat(java.util.Arrays.stream(d.labels()).sum()).isEqualTo(93);
    }

    @Test
    void anUnlabelledFileReadWithALabelColumnSaysItNeedsLabels() throws IOException {
        Path csv = write("unlabelled.csv", "a,b\n1,2\n");
        assertThatThrownBy(() -> DataSetReader.read(csv, DataSetReader.Options.defaults().withLabelColumn("label")))
                .hasMessageContaining("unlabelled.csv:2:").hasMessageContaining("no label column 'label'")
                .hasMessageContaining("labelled data").hasMessageNotContaining("got ''");
    }

    @Test
    void labelAndIdColumnsAreLeftOutOfAutomaticFeaturesWithANote() throws IOException {
        Path csv = write("mine.csv", "id,mean_radius,mean_area,label,sample_timestamp\n1,14.2,600,0,100\n2,13.1,550,0,101\n3,15.0,640,0,102\n");
        DataSet set = DataSetReader.read(csv, DataSetReader.Options.defaults());
        assertThat(set.features()).containsExactly("mean_radius", "mean_area");
        assertThat(set.notes()).anySatisfy(n -> assertThat(n).contains("'label'").contains("label"))
                .anySatisfy(n -> assertThat(n).contains("'id'").contains("identifier"))
                .anySatisfy(n -> assertThat(n).contains("'sample_timestamp'"));
    }

    @Test
    void namedFeaturesAreKeptEvenWhenTheyLookLikeIds() throws IOException {
        Path csv = write("mine.csv", "id,x\n1,0.5\n2,0.7\n");
        DataSet set = DataSetReader.read(csv, DataSetReader.Options.defaults().withFeatures(List.of("id", "x")));
        assertThat(set.features()).containsExactly("id", "x");
    }

    @Test
    void constantAndCounterLikeColumnsAreWarnedAbout() throws IOException {
        StringBuilder text = new StringBuilder("seq,flag,x\n");
        for (int i = 0; i < 30; i++) {
            text.append(1000 + i).append(",3,").append(i % 7 * 0.5).append('\n');
        }
        DataSet set = DataSetReader.read(write("w.csv", text.toString()), DataSetReader.Options.defaults());
        assertThat(set.features()).containsExactly("seq", "flag", "x");
        assertThat(set.notes()).hasSize(2)
                .anySatisfy(n -> assertThat(n).contains("'flag'").contains("one value"))
                .anySatisfy(n -> assertThat(n).contains("'seq'").contains("increasing"));
    }

    @Test
    void anOrdinaryNumericFileHasNoNotes() {
        DataSet set = DataSetReader.readResource("datasets/thyroid.train.csv", DataSetReader.Options.defaults());
        assertThat(set.notes()).isEmpty();
    }
}
