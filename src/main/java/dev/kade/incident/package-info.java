/**
 * Incidents instead of alert floods ({@code alerts.mode=incident}): consecutive anomalies of one entity and model
 * form one incident, and the alert topic gets an {@code opened} event, at most one {@code updated} event per
 * {@code alerts.incident.update.interval.ms}, and a {@code resolved} event after a quiet time or a number of normal
 * records. {@link dev.kade.incident.IncidentTracker} holds a task's open incidents (mirrored in a changelogged store),
 * {@link dev.kade.incident.IncidentWriter} renders the events (docs/output-formats.md "Incident events").
 *
 * <p>Everything here is deterministic in its inputs: event time and the order records arrive in, never the wall
 * clock (except the {@code detection_time} field). So an incident id, and every event, is the same after a restart
 * or a {@code kill -9} under {@code exactly_once_v2} as in an uninterrupted run.
 */
package dev.kade.incident;
