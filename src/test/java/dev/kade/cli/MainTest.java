package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void versionNamesKadeAndTheJavaRuntime() {
        StringWriter out = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out, true)).execute("--version");
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("kade ").contains("Java " + System.getProperty("java.version"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "train", "tune", "evaluate", "calibrate", "run"})
    void everySubcommandHasHelpListingItsOptions(String command) {
        StringWriter out = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out, true)).execute(command, "--help");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: kade " + command).contains("--help").contains("--version");
    }

    @Test
    void rootHelpListsEverySubcommand() {
        StringWriter out = new StringWriter();
        Main.commandLine().setOut(new PrintWriter(out, true)).execute("--help");
        for (String command : List.of("demo", "train", "tune", "evaluate", "calibrate", "run")) {
            assertThat(out.toString()).contains(command);
        }
    }

    @Test
    void unknownOptionExitsWithUsageErrorNamingIt() {
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setErr(new PrintWriter(err, true)).execute("demo", "--recordz", "5");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--recordz");
    }

    @Test
    void withoutTheBrokerDemoSaysInOneLineWhereItIsAndExits2() {
        StringWriter err = new StringWriter();
        int exit = Main.commandLine(new DemoUnavailable()).setErr(new PrintWriter(err, true))
                .execute("demo", "--records", "5");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(DemoUnavailable.MESSAGE);
        assertThat(err.toString()).contains("kade-demo.jar");
    }

    @Test
    void onTheTestClassPathTheRealDemoIsOffered() {
        assertThat(Main.demoCommand()).isNotInstanceOf(DemoUnavailable.class)
                .extracting(o -> o.getClass().getName()).isEqualTo(Main.DEMO_COMMAND);
    }

    @Test
    void theRootHelpShowsEachCommandsFirstSentenceWhole() {
        for (var e : Main.commandLine().getSubcommands().entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            assertThat(description).as(e.getKey()).isNotEmpty();
            assertThat(description[0]).as("first description line of " + e.getKey()).endsWith(".");
        }
    }
}
