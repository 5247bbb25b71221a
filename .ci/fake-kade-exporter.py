#!/usr/bin/env python3
"""A stand-in for kade's metrics endpoint, used only to test .ci/prometheus-e2e.sh itself
(`.ci/prometheus-e2e.sh --fake`): serves /metrics with the metric names kade's metrics binder
promises (docs/deploy-notes.md), counters growing with time, and /health/live, /health/ready.

It proves the script and the PromQL, not kade: the real check runs against target/kade-demo.jar.
It also serves kafka-exporter's broker-side kafka_consumergroup_lag{consumergroup,topic,partition}
for consumer group "kade" (no kade tags: kafka-exporter knows the group, not the application).
With --kafka-exporter GROUP it serves only that series, for GROUP: a stand-in for kafka-exporter beside a
real kade, as there is no kafka-exporter here (the series' shape is kafka-exporter's, its values are made up).
FAKE_KADE_RENAME=old=new renames one metric, to show that a renamed metric fails the check.
Usage: fake-kade-exporter.py PORT [--kafka-exporter GROUP]
"""
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

START = time.time()
APP = 'application="kade"'
REASONS = ["not_json", "not_an_object", "missing_feature", "non_numeric", "non_finite", "empty_value",
           "scoring_failed", "processing_error"]
SCORE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]
PERCENTILE_BUCKETS = [50.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.99]
LATENCY_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01]


def histogram(name, help_text, buckets, count, mean):
    lines = ["# HELP %s %s" % (name, help_text), "# TYPE %s histogram" % name]
    for b in buckets:
        share = min(1.0, (b / (mean * 4)) ** 0.5)
        lines.append('%s_bucket{%s,le="%s"} %d' % (name, APP, b, int(count * share)))
    lines.append('%s_bucket{%s,le="+Inf"} %d' % (name, APP, count))
    lines.append("%s_count{%s} %d" % (name, APP, count))
    lines.append("%s_sum{%s} %f" % (name, APP, count * mean))
    return lines


def percentile_histogram(count):
    """kade_score_percentile: a record's percentile among training scores, uniform as on training-like data."""
    name = "kade_score_percentile"
    lines = ["# HELP %s Percentile of scores among training scores" % name, "# TYPE %s histogram" % name]
    for b in PERCENTILE_BUCKETS:
        lines.append('%s_bucket{%s,le="%s"} %d' % (name, APP, b, int(count * b / 100)))
    lines.append('%s_bucket{%s,le="+Inf"} %d' % (name, APP, count))
    lines.append("%s_count{%s} %d" % (name, APP, count))
    lines.append("%s_sum{%s} %f" % (name, APP, count * 50.0))
    return lines


def broker_lag(group):
    """kafka-exporter's per-partition lag of one consumer group, as it names and labels it."""
    t = time.time() - START
    out = ["# HELP kafka_consumergroup_lag Current Approximate Lag of a ConsumerGroup at Topic/Partition",
           "# TYPE kafka_consumergroup_lag gauge"]
    out += ['kafka_consumergroup_lag{consumergroup="%s",partition="%d",topic="kade-input"} %d'
            % (group, p, (int(t) + 3 * p) % 11) for p in range(2)]
    return out


def metrics():
    if KAFKA_EXPORTER_GROUP:
        return "\n".join(broker_lag(KAFKA_EXPORTER_GROUP)) + "\n"
    t = time.time() - START
    scored = int(t * 19.8)
    out = [
        "# HELP kade_records_in_total Records read", "# TYPE kade_records_in_total counter",
        'kade_records_in_total{%s,topic="kade-input"} %d' % (APP, int(t * 20)),
        "# HELP kade_records_scored_total Records scored", "# TYPE kade_records_scored_total counter",
        "kade_records_scored_total{%s} %d" % (APP, scored),
        "# HELP kade_anomalies_total Anomalies", "# TYPE kade_anomalies_total counter",
        "kade_anomalies_total{%s} %d" % (APP, int(t * 0.4)),
        "# HELP kade_dead_letters_total Dead letters", "# TYPE kade_dead_letters_total counter",
    ]
    out += ['kade_dead_letters_total{%s,reason="%s"} %d' % (APP, r, int(t * 0.04) if i < 5 else 0)
            for i, r in enumerate(REASONS)]
    out += [
        "# HELP kade_model_loads_total Model loads", "# TYPE kade_model_loads_total counter",
        'kade_model_loads_total{%s,result="success"} 1' % APP,
        'kade_model_loads_total{%s,result="failure"} 0' % APP,
        "# HELP kade_model_promotions_total Promotions", "# TYPE kade_model_promotions_total counter",
        'kade_model_promotions_total{%s,action="promote"} 1' % APP,
        'kade_model_promotions_total{%s,action="rollback"} 0' % APP,
        "# HELP kade_model_info Serving model", "# TYPE kade_model_info gauge",
        'kade_model_info{%s,kind="ae",version="demo-1"} 1' % APP,
        "# HELP kade_model_threshold Threshold", "# TYPE kade_model_threshold gauge",
        "kade_model_threshold{%s} 0.2" % APP,
        "# HELP kade_model_loaded_timestamp_seconds Load time", "# TYPE kade_model_loaded_timestamp_seconds gauge",
        "kade_model_loaded_timestamp_seconds{%s} %f" % (APP, START),
        "# HELP kade_ready Ready", "# TYPE kade_ready gauge", "kade_ready{%s} 1" % APP,
        "# HELP kade_partitions_assigned Owned", "# TYPE kade_partitions_assigned gauge",
        "kade_partitions_assigned{%s} 2" % APP,
        "# HELP kade_partitions_stalled Stalled", "# TYPE kade_partitions_stalled gauge",
        "kade_partitions_stalled{%s} 0" % APP,
        "# HELP kade_progress_age_seconds Since progress", "# TYPE kade_progress_age_seconds gauge",
        "kade_progress_age_seconds{%s} 0" % APP,
        "# HELP kade_broker_reachable Broker", "# TYPE kade_broker_reachable gauge",
        "kade_broker_reachable{%s} 1" % APP,
        "# HELP kade_stream_thread_deaths_total Deaths", "# TYPE kade_stream_thread_deaths_total counter",
        "kade_stream_thread_deaths_total{%s} 0" % APP,
        "# HELP kafka_consumer_fetch_manager_records_lag_max Lag", "# TYPE kafka_consumer_fetch_manager_records_lag_max gauge",
        'kafka_consumer_fetch_manager_records_lag_max{%s,client_id="kade-1-StreamThread-1-consumer"} %d' % (APP, int(t) % 7),
        'kafka_consumer_fetch_manager_records_lag_max{%s,client_id="kade-1-StreamThread-1-restore-consumer"} NaN' % APP,
    ]
    out += [
        "# HELP kade_drift_score_psi Score PSI", "# TYPE kade_drift_score_psi gauge",
        "kade_drift_score_psi{%s} 0.01" % APP,
        "# HELP kade_drift_feature_psi Feature PSI", "# TYPE kade_drift_feature_psi gauge",
        'kade_drift_feature_psi{%s,feature="f0"} 0.02' % APP,
        'kade_drift_feature_psi{%s,feature="f1"} 0.01' % APP,
        "# HELP kade_drift_feature_psi_max Largest feature PSI", "# TYPE kade_drift_feature_psi_max gauge",
        "kade_drift_feature_psi_max{%s} 0.02" % APP,
        "# HELP kade_drift_alert_level Drift level", "# TYPE kade_drift_alert_level gauge",
        "kade_drift_alert_level{%s} 0.25" % APP,
        "# HELP kade_drift_window_records Drift window", "# TYPE kade_drift_window_records gauge",
        "kade_drift_window_records{%s} 5000" % APP,
        "# HELP kade_shadow_rank_correlation Shadow rank correlation", "# TYPE kade_shadow_rank_correlation gauge",
        "kade_shadow_rank_correlation{%s} 0.9" % APP,
        "# HELP kade_shadow_alert_overlap Shadow alert overlap", "# TYPE kade_shadow_alert_overlap gauge",
        "kade_shadow_alert_overlap{%s} 0.8" % APP,
        "# HELP kade_shadow_paired_records Paired records", "# TYPE kade_shadow_paired_records gauge",
        "kade_shadow_paired_records{%s} %d" % (APP, scored),
        "# HELP kade_shadow_loaded Shadow loaded", "# TYPE kade_shadow_loaded gauge",
        "kade_shadow_loaded{%s} 1" % APP,
        "# HELP kade_shadow_records_scored_total Shadow scored", "# TYPE kade_shadow_records_scored_total counter",
        "kade_shadow_records_scored_total{%s} %d" % (APP, scored),
        "# HELP kade_shadow_alerts_total Shadow alerts", "# TYPE kade_shadow_alerts_total counter",
        'kade_shadow_alerts_total{%s,model="champion"} %d' % (APP, scored // 100),
        'kade_shadow_alerts_total{%s,model="shadow"} %d' % (APP, scored // 80),
        'kade_shadow_alerts_total{%s,model="both"} %d' % (APP, scored // 120),
        "# HELP kade_shadow_loads_total Shadow loads", "# TYPE kade_shadow_loads_total counter",
        'kade_shadow_loads_total{%s,result="success"} 1' % APP,
        'kade_shadow_loads_total{%s,result="failure"} 0' % APP,
        "# HELP kade_shadow_failures_total Shadow failed batches", "# TYPE kade_shadow_failures_total counter",
        "kade_shadow_failures_total{%s} 0" % APP,
    ]
    out += broker_lag("kade")
    out += histogram("kade_score", "Scores", SCORE_BUCKETS, scored, 0.05)
    out += percentile_histogram(scored)
    out += histogram("kade_inference_seconds", "Inference", LATENCY_BUCKETS, scored, 0.0002)
    text = "\n".join(out) + "\n"
    rename = os.environ.get("FAKE_KADE_RENAME")
    if rename:
        old, new = rename.split("=", 1)
        text = text.replace(old, new)
    return text


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/metrics"):
            body, ctype = metrics().encode(), "text/plain; version=0.0.4; charset=utf-8"
        elif self.path in ("/health/live", "/health/ready"):
            body, ctype = b"UP\n", "text/plain"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


KAFKA_EXPORTER_GROUP = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--kafka-exporter" else None

if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
