/**
 * Per-entity time series in the stream: who a record belongs to ({@link dev.kade.entity.EntitySpec}), when it
 * happened ({@link dev.kade.entity.TimeFormat}), the state kept per entity between records
 * ({@link dev.kade.entity.EntityState} and its byte codec), the policies for warm-up, gaps and late records
 * ({@link dev.kade.entity.SeriesPolicy}), the per-entity anomaly likelihood
 * ({@link dev.kade.entity.AnomalyLikelihood}) and the bounded idle-expiry sweep
 * ({@link dev.kade.entity.ExpirySweeper}).
 *
 * <p>Everything here is deterministic in its inputs: no wall clock, no randomness, only event time and the
 * order records arrive in. That is what lets a restart or a {@code kill -9} under {@code exactly_once_v2}
 * give scores identical, record for record, to an uninterrupted run.
 */
package dev.kade.entity;
