package dev.kade.entity;

/**
 * What one batch (or one sweep) did to the entities, for the meters: the stream reports these once per batch.
 *
 * @param created  entities seen for the first time (or again after expiring)
 * @param warmUps  records scored while their entity was warming up
 * @param imputed  records scored on a padded partial window ({@link WarmUpPolicy#IMPUTE})
 * @param late     records older than their entity's newest
 * @param gaps     gaps found
 * @param expired  entities expired: found idle on arrival, or deleted by a sweep
 */
public record SeriesCounts(long created, long warmUps, long imputed, long late, long gaps, long expired) {
    public static final SeriesCounts NONE = new SeriesCounts(0, 0, 0, 0, 0, 0);

    public SeriesCounts plus(SeriesCounts o) {
        return new SeriesCounts(created + o.created, warmUps + o.warmUps, imputed + o.imputed, late + o.late, gaps + o.gaps,
                expired + o.expired);
    }
}
