package dev.kade.fault;

import static dev.kade.fault.FaultScenario.Fault.KILL_BROKER;
import static dev.kade.fault.FaultScenario.Fault.KILL_KADE;
import static dev.kade.fault.FaultScenario.Fault.SIGTERM_KADE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.config.ProcessingGuarantee;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The long fault run, on demand (JUnit tag {@code benchmark}, excluded from {@code mvn -B verify}):
 * {@code -Dkade.soak.kills} (default 6) {@code kill -9}s and 2 SIGTERMs of kade in random order under each
 * guarantee, and a broker {@code kill -9} under exactly-once, with input flowing throughout. Prints, per
 * guarantee, every restart's time to the first new output and the counts; the README's reliability
 * figures come from here.
 *
 * <pre>mvn -B test -Dkade.soak.kills=6 -Dtest=FaultSoakBenchmark -Dkade.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@Tag("benchmark")
class FaultSoakBenchmark {
    @Test
    void soak() throws Exception {
        int kills = Integer.getInteger("kade.soak.kills", 6);
        Path dir = FaultScenario.freshDirectory(Path.of("target", "fault-soak"));
        List<String> report = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            for (ProcessingGuarantee g : ProcessingGuarantee.values()) {
                List<FaultScenario.Fault> plan = new ArrayList<>(Collections.nCopies(kills, KILL_KADE));
                plan.add(SIGTERM_KADE);
                plan.add(SIGTERM_KADE);
                Collections.shuffle(plan, new java.util.Random(g.ordinal()));
                if (g == ProcessingGuarantee.EXACTLY_ONCE_V2) {
                    plan.add(plan.size() / 2, KILL_BROKER);
                }
                FaultScenario.Figures f = new FaultScenario(broker, Files.createDirectories(dir.resolve(g.streamsValue())),
                        g, 100 + g.ordinal(), Map.of()).run(plan, 200);
                System.out.println(f.describe());
                report.add(f.describe());
                assertThat(f.tally().missing()).isZero();
                if (g == ProcessingGuarantee.EXACTLY_ONCE_V2) {
                    assertThat(f.tally().duplicates()).isZero();
                }
            }
        }
        System.out.println("=== fault soak ===");
        report.forEach(System.out::println);
    }
}
