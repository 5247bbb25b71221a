package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyColumnsTest {
    @TempDir
    Path dir;

    @Test
    void readsCsvAndJsonLinesKeysRecordForRecordAsTheDataSetReaderCountsThem() throws Exception {
        Path csv = Files.write(dir.resolve("a.csv"), List.of("host,\"time\",v", "a,1,1.5", "", "\"b,c\",,2"));
        assertThat(KeyColumns.read(csv, List.of("host", "time"))).containsExactly(new String[] {"a", "1"}, new String[] {"b,c", null});
        assertThat(DataSetReader.read(csv, DataSetReader.Options.defaults().withFeatures(List.of("v"))).size()).isEqualTo(2);

        Path jsonl = Files.write(dir.resolve("a.jsonl"), List.of("{\"meta\":{\"host\":\"x\"},\"t\":17,\"v\":1}", " ",
                "{\"t\":\"2014-04-01 00:00:00\",\"v\":2}"));
        assertThat(KeyColumns.read(jsonl, List.of("meta.host", "t")))
                .containsExactly(new String[] {"x", "17"}, new String[] {null, "2014-04-01 00:00:00"});
    }

    @Test
    void namesAColumnTheHeaderLacks() throws Exception {
        Path csv = Files.write(dir.resolve("a.csv"), List.of("host,v", "a,1"));
        assertThatThrownBy(() -> KeyColumns.read(csv, List.of("sensor"))).isInstanceOf(DataSetException.class)
                .hasMessageContaining("no column 'sensor'");
    }
}
