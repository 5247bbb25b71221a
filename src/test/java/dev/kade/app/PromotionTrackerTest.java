package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PromotionTrackerTest {
    private static ModelMetadata model(String version) {
        return new ModelMetadata(List.of("a"), ModelKind.AE, 1, new ScoreDistribution(new double[] {0, 1}, new double[] {0, 2}),
                "fp", Instant.EPOCH, version);
    }

    @Test
    void theShadowsVersionIsAPromotionTheReplacedOneARollbackAnyOtherAPlainReload() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics metrics = new KadeMetrics("kade-test");
        metrics.bindTo(registry);
        AtomicReference<String> shadow = new AtomicReference<>("v2");
        List<String> served = new ArrayList<>();
        ModelWatcher.Listener delegate = new ModelWatcher.Listener() {
            @Override
            public void served(ModelMetadata metadata, Instant at) {
                served.add(metadata.version());
            }

            @Override
            public void refused() {
            }
        };
        PromotionTracker tracker = new PromotionTracker(delegate, metrics, model("v1"), () -> Optional.ofNullable(shadow.get()));

        tracker.served(model("v1b"), Instant.EPOCH); // a re-release: not a promotion
        assertThat(count(registry, "promote")).isZero();
        tracker.served(model("v2"), Instant.EPOCH); // the shadow now serves
        assertThat(count(registry, "promote")).isEqualTo(1.0);
        tracker.served(model("v1b"), Instant.EPOCH); // back to the model it replaced
        assertThat(count(registry, "rollback")).isEqualTo(1.0);
        tracker.served(model("v1b"), Instant.EPOCH); // the same version again: nothing
        shadow.set(null); // no shadow: v2 again is a rollback (it is the one replaced), not a promotion
        tracker.served(model("v2"), Instant.EPOCH);
        assertThat(count(registry, "promote")).isEqualTo(1.0);
        assertThat(count(registry, "rollback")).isEqualTo(2.0);
        assertThat(served).as("every reload still reaches the serving model's meters").containsExactly("v1b", "v2", "v1b", "v1b", "v2");
    }

    private static double count(PrometheusMeterRegistry registry, String action) {
        return registry.get(KadeMetrics.MODEL_PROMOTIONS).tag("action", action).counter().count();
    }
}
