package dev.kade.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kade_model_promotions_total{action}} of {@link KadeMetrics}: how often the serving model was replaced by the
 * shadow ({@code promote}) or by the champion it had replaced ({@code rollback}). Both series exist from start (at 0),
 * so a rate or an {@code increase} over them is defined before the first promotion.
 */
public final class PromotionMeters {
    /** The closed set of the label {@code action}. */
    public enum Action {
        PROMOTE, ROLLBACK;

        /** The label value. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Action, Counter> counters = new EnumMap<>(Action.class);

    PromotionMeters(MeterRegistry r, Tags common) {
        for (Action a : Action.values()) {
            counters.put(a, Counter.builder(KadeMetrics.MODEL_PROMOTIONS)
                    .description("Serving model swaps that promoted the shadow model (promote) or went back to the "
                            + "previous champion (rollback)").tags(common).tag("action", a.label()).register(r));
        }
    }

    void count(Action action) {
        counters.get(action).increment();
    }
}
