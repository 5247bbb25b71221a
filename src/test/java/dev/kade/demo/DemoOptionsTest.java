package dev.kade.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoOptionsTest {

    @Test
    void goodOptionsPass() {
        assertThat(DemoOptions.problem(10, 50, "vae", "at_least_once", 0, 50, null)).isEmpty();
    }

    @Test
    void eachBadOptionIsNamedInOneLine() throws Exception {
        assertThat(DemoOptions.problem(0, 50, "ae", "exactly_once_v2", 0, 50, null)).hasValue("--records 0: must be >= 1");
        assertThat(DemoOptions.problem(10, 50, "foo", "exactly_once_v2", 0, 50, null))
                .hasValue("--kind foo: must be ae or vae");
        assertThat(DemoOptions.problem(10, 50, "reconstruction", "exactly_once_v2", 0, 50, null)).isPresent();
        assertThat(DemoOptions.problem(10, 50, "ae", "exactly_once", 0, 50, null))
                .hasValue("--processing-guarantee exactly_once: must be exactly_once_v2 or at_least_once");
        assertThat(DemoOptions.problem(10, -1, "ae", "at_least_once", 0, 50, null)).get().asString().startsWith("--malformed-every");
        try (ServerSocket busy = new ServerSocket(0)) {
            assertThat(DemoOptions.problem(10, 50, "ae", "at_least_once", busy.getLocalPort(), 50, null)).get().asString()
                    .startsWith("--metrics-port " + busy.getLocalPort() + ": port is in use");
        }
    }

    @Test
    void theCommandRefusesBeforeAnyWorkWithExitTwo() {
        StringWriter err = new StringWriter();
        int exit = dev.kade.cli.Main.commandLine().setErr(new PrintWriter(err, true))
                .execute("demo", "--kind", "foo", "--metrics-port", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("kade demo: --kind foo: must be ae or vae");
    }

    @Test
    void deleteTreeRemovesADirectoryWithContents(@TempDir Path parent) throws Exception {
        Path dir = Files.createDirectories(parent.resolve("kade-demo-x/state/0_0"));
        Files.writeString(dir.resolve("f"), "x");
        DemoOptions.deleteTree(parent.resolve("kade-demo-x"));
        assertThat(parent.resolve("kade-demo-x")).doesNotExist();
    }
}
