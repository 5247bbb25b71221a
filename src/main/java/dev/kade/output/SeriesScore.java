package dev.kade.output;

import java.util.Objects;

/**
 * What a windowed model's score record and alert add about the record's entity (README "Scores format").
 *
 * @param entity       the entity, as text
 * @param eventTime    the record's event time, epoch milliseconds
 * @param warmingUp    its entity's window was not yet full (no alert)
 * @param imputed      scored on a padded partial window ({@code series.warmup=impute})
 * @param late         older than its entity's newest record (scored without changing the entity)
 * @param gap          a gap longer than {@code series.gap.max.ms} preceded it
 * @param likelihood   the entity's anomaly likelihood of the score, 1 − tail; NaN while it is still learning
 * @param anomalyScore the output score in [0, 1] that alerts are decided on (log-likelihood, range flag, hold-off)
 */
public record SeriesScore(String entity, long eventTime, boolean warmingUp, boolean imputed, boolean late, boolean gap,
                          double likelihood, double anomalyScore) {
    public SeriesScore {
        Objects.requireNonNull(entity, "entity");
    }
}
