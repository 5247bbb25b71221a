package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.testing.AvroRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kade train} data from an Avro object container file: its records are read as the stream reads Avro input,
 * so nested fields become dotted feature names and a union's number is the feature.
 */
class AvroDataSetTest {
    @TempDir
    Path dir;

    private Path write(GenericRecord... records) throws Exception {
        Path file = dir.resolve("metrics.avro");
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(AvroRecords.METRIC))) {
            w.create(AvroRecords.METRIC, file.toFile());
            for (GenericRecord r : records) {
                w.append(r);
            }
        }
        return file;
    }

    @Test
    void aContainerFilesRecordsAreRowsWithNestedAndUnionFieldsAsFeatures() throws Exception {
        Path file = write(AvroRecords.metric(1.5, 0.25, 7.0, "h1"), AvroRecords.metric(2.5, 0.5, 8.0, "h2"),
                AvroRecords.metric(3.5, 0.75, 9.0, "h3"));
        DataSet set = DataSetReader.read(file, DataSetReader.Options.defaults());
        assertThat(set.features()).containsExactly("cpu", "memory.used", "latency_ms");
        assertThat(set.rows()).hasNumberOfRows(3);
        assertThat(set.rows()[1]).containsExactly(2.5f, 0.5f, 8.0f);
    }

    @Test
    void aFileThatIsNotAvroFailsNamingIt() throws Exception {
        Path file = dir.resolve("wrong.avro");
        Files.writeString(file, "cpu,memory\n1,2\n");
        assertThatThrownBy(() -> DataSetReader.read(file, DataSetReader.Options.defaults()))
                .isInstanceOf(DataSetException.class).hasMessageContaining("wrong.avro").hasMessageContaining("Avro container file");
    }
}
