package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import dev.kade.model.Scores;
import dev.kade.model.ServableModel;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
    /** Counts closes; a stand-in for the ONNX session, which is not the subject here. */
    static final class Closable implements ServableModel {
        final ModelMetadata meta;
        final AtomicInteger closed = new AtomicInteger();

        Closable(String version) {
            meta = new ModelMetadata(List.of("a"), ModelKind.AE, 1, new ScoreDistribution(new double[] {0, 1},
                    new double[] {0, 1}), "fp", Instant.EPOCH, version);
        }

        @Override
        public Scores score(float[][] rows) {
            return new Scores(new float[rows.length], new float[rows.length][1]);
        }

        @Override
        public ModelMetadata metadata() {
            return meta;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void replacedModelClosesOnlyAfterItsLastInFlightRecord() {
        Closable v1 = new Closable("v1");
        Closable v2 = new Closable("v2");
        ModelRegistry registry = ModelRegistry.of(v1);
        ModelRegistry.Lease inFlight = registry.acquire();
        registry.swap(v2);
        assertThat(v1.closed).hasValue(0);
        assertThat(inFlight.model().metadata().version()).isEqualTo("v1");
        try (ModelRegistry.Lease next = registry.acquire()) {
            assertThat(next.model().metadata().version()).isEqualTo("v2");
        }
        inFlight.close();
        inFlight.close(); // idempotent
        assertThat(v1.closed).hasValue(1);
        assertThat(v2.closed).hasValue(0);
        registry.close();
        assertThat(v2.closed).hasValue(1);
        assertThatThrownBy(registry::acquire).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentSwapsNeverCloseAModelUnderARunningRecord() throws Exception {
        ModelRegistry registry = ModelRegistry.of(new Closable("v0"));
        AtomicInteger violations = new AtomicInteger();
        Thread[] workers = new Thread[2];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    try (ModelRegistry.Lease lease = registry.acquire()) {
                        if (((Closable) lease.model().scorer()).closed.get() > 0) {
                            violations.incrementAndGet();
                        }
                    }
                }
            });
            workers[w].start();
        }
        List<Closable> swapped = new java.util.ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            Closable next = new Closable("v" + i);
            swapped.add(next);
            registry.swap(next);
        }
        for (Thread t : workers) {
            t.join();
        }
        registry.close();
        assertThat(violations).hasValue(0);
        assertThat(swapped).allSatisfy(c -> assertThat(c.closed).hasValue(1));
    }

    @Test
    void anEmptyRegistryServesNothingUntilReplaceFillsIt() {
        ModelRegistry registry = ModelRegistry.empty();
        assertThat(registry.loaded()).isFalse();
        assertThat(registry.tryAcquire()).isEmpty();
        assertThatThrownBy(registry::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("no model");
        assertThatThrownBy(registry::metadata).isInstanceOf(IllegalStateException.class).hasMessageContaining("no model");
        Closable refused = new Closable("v0");
        assertThatThrownBy(() -> registry.swap(refused)).as("swap replaces a model; an empty slot is filled by replace")
                .isInstanceOf(IllegalStateException.class);
        assertThat(refused.closed).as("what swap did not take is closed").hasValue(1);
        assertThat(registry.loaded()).isFalse();

        Closable v1 = new Closable("v1");
        assertThat(registry.replace(v1)).as("nothing was replaced").isEmpty();
        assertThat(registry.loaded()).isTrue();
        try (ModelRegistry.Lease lease = registry.tryAcquire().orElseThrow()) {
            assertThat(lease.model().metadata().version()).isEqualTo("v1");
        }
        Closable v2 = new Closable("v2");
        assertThat(registry.replace(v2)).hasValueSatisfying(m -> assertThat(m.version()).isEqualTo("v1"));
        assertThat(v1.closed).hasValue(1);
        registry.close();
        assertThat(v2.closed).hasValue(1);
        assertThat(registry.loaded()).isFalse();
        Closable late = new Closable("v3");
        assertThatThrownBy(() -> registry.replace(late)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(late.closed).hasValue(1);
        assertThatThrownBy(registry::tryAcquire).as("closed is not empty").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAnEmptyRegistryClosesNothing() {
        ModelRegistry registry = ModelRegistry.empty();
        registry.close();
        assertThatThrownBy(registry::metadata).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
