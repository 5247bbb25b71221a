package dev.kade.fault;

import static dev.kade.fault.FaultScenario.Fault.KILL_BROKER;
import static dev.kade.fault.FaultScenario.Fault.KILL_KADE;
import static dev.kade.fault.FaultScenario.Fault.SIGTERM_KADE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.config.ProcessingGuarantee;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The short fault suite (CI): a broker in its own process, kade in its own process, under both guarantees:
 * {@code kill -9} and SIGTERM restarts at random points mid-stream, and under exactly-once a broker
 * {@code kill -9} and restart. Asserts the counts (exactly once, or at least once with at most a few commit intervals
 * of input repeated per kill, counted until the end of the run), the exit codes, that a SIGTERM leaves the consumer
 * group (the broker lists no member right after the exit, not after the 45 s session timeout), the health answers
 * and {@code kade_broker_reachable} through a broker restart, and a bound on each recovery (from Kafka Streams' start to the first new output) far
 * above the target but far below the 41-45 s that a rejoin cost before static membership and leave-on-close. Figures print to the test output; the
 * on-demand soak ({@code FaultSoakBenchmark}) runs longer plans and prints the same figures.
 */
class FaultSuiteIT {
    /** Far above the target (10 s) but far below the 41-45 s a rejoin cost before static membership. */
    static final long STREAMS_RECOVERY_BOUND_MS = 20_000;
    static final long BROKER_RECOVERY_BOUND_MS = 120_000;
    /**
     * The commit interval docs/operations.md claims for at-least-once ("a crash repeats about one commit interval
     * (1 s) of input"). A literal on purpose, not {@code KadeConfig}'s constant: a change of the code must fail here
     * until the claim is changed with it.
     */
    static final long CLAIMED_AT_LEAST_ONCE_COMMIT_MS = 1_000;
    /**
     * Duplicates allowed per {@code kill -9}, in commit intervals of input: one interval of outputs not yet committed,
     * with a margin for the records in flight and for input that queued while kade started, which is read faster
     * than it arrives.
     */
    static final int DUPLICATE_BOUND_COMMIT_INTERVALS = 3;
    static final int INPUT_PER_SECOND = 200;

    /** Under target/, so the logs of kade and the broker stay for a look after a failure. */
    static Path dir;
    static BrokerProcess broker;

    @BeforeAll
    static void startBroker() throws Exception {
        dir = FaultScenario.freshDirectory(Path.of("target", "fault-suite"));
        broker = BrokerProcess.start(dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void exactlyOnceSurvivesKillsSigtermsAndABrokerRestartWithEveryInputOnce() throws Exception {
        Path d = Files.createDirectories(dir.resolve("eos"));
        FaultScenario.Figures f = new FaultScenario(broker, d, ProcessingGuarantee.EXACTLY_ONCE_V2, 7, Map.of())
                .run(List.of(KILL_KADE, KILL_BROKER, SIGTERM_KADE), INPUT_PER_SECOND);
        System.out.println(f.describe());
        assertThat(f.tally().expected()).isPositive();
        assertThat(f.tally().missing()).as("missing").isZero();
        assertThat(f.tally().duplicates()).as("duplicates under exactly-once").isZero();
        assertCommon(f);
    }

    @Test
    void atLeastOnceSurvivesKillsAndSigtermsWithEveryInputAtLeastOnce() throws Exception {
        Path d = Files.createDirectories(dir.resolve("alos"));
        FaultScenario.Figures f = new FaultScenario(broker, d, ProcessingGuarantee.AT_LEAST_ONCE, 11, Map.of())
                .run(List.of(KILL_KADE, SIGTERM_KADE), INPUT_PER_SECOND);
        System.out.println(f.describe());
        assertThat(f.tally().expected()).isPositive();
        assertThat(f.tally().missing()).as("missing").isZero();
        long bound = f.kills() * DUPLICATE_BOUND_COMMIT_INTERVALS * INPUT_PER_SECOND * CLAIMED_AT_LEAST_ONCE_COMMIT_MS / 1000;
        assertThat(f.tally().duplicates()).as("duplicates after %d kill(s), at most %d commit intervals (%d ms) of input each",
                f.kills(), DUPLICATE_BOUND_COMMIT_INTERVALS, CLAIMED_AT_LEAST_ONCE_COMMIT_MS).isLessThanOrEqualTo(bound);
        assertCommon(f);
    }

    private static void assertCommon(FaultScenario.Figures f) {
        assertThat(f.finalExitCode()).as("SIGTERM exits 0").isZero();
        assertThat(f.recoveries()).filteredOn(r -> r.fault() == SIGTERM_KADE).allSatisfy(r ->
                assertThat(r.exitCode()).as("SIGTERM exits 0").isZero());
        // what the group protocol and transactions cost; JVM and model start-up on a loaded 2-core CI
        // machine vary too much to bound (they are printed, and measured by the soak)
        assertThat(f.recoveries()).filteredOn(r -> r.fault() != KILL_BROKER).allSatisfy(r ->
                assertThat(r.streamsStartToOutputMs()).as(r.fault() + ": Streams start to first output")
                        .isBetween(0L, STREAMS_RECOVERY_BOUND_MS));
        assertThat(f.recoveries()).filteredOn(r -> r.fault() == KILL_BROKER).allSatisfy(r ->
                assertThat(r.restartToOutputMs()).as("broker restart to first output").isLessThan(BROKER_RECOVERY_BOUND_MS));
        assertThat(f.recoveries()).filteredOn(r -> r.fault() == SIGTERM_KADE).allSatisfy(r ->
                assertThat(r.groupMembersAfterExit()).as("members left in the group after a SIGTERM's exit").isZero());
        assertThat(f.finalGroupMembers()).as("members left in the group after the final SIGTERM's exit").isZero();
        assertThat(f.stalledClientLiveMs()).as("/health/live with a stalled client").isLessThan(3000);
    }
}
