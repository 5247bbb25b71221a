/**
 * Per-entity time series, shared by the trainer and the stream so that both compute the same thing: an
 * entity's trailing {@link dev.kade.series.EntityWindow}, its running {@link dev.kade.series.EntityStats},
 * the {@link dev.kade.series.SeriesSpec} a windowed model declares in its metadata, and the
 * {@link dev.kade.series.WindowBuilder} that makes training windows from long-format data by the stream's rule.
 *
 * <p>Pure Java: no Kafka, no ONNX Runtime.
 */
package dev.kade.series;
