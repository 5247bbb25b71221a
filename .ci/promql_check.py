#!/usr/bin/env python3
"""Evaluates every PromQL expression of kade's Grafana dashboard and alert rules against a running
Prometheus (used by .ci/prometheus-e2e.sh; standard library only).

- Dashboard queries (panel targets; label_values() variables via the series API) must return data.
- Rule expressions, read back from Prometheus' /api/v1/rules as it loaded them, may legitimately be
  empty when nothing fires: they must evaluate without error, every metric name they reference must
  have at least one series, and Prometheus' own evaluation of each rule must be healthy.

Retries until everything passes or --timeout seconds pass (metrics such as per-reason dead letters or
consumer lag can appear some seconds after start-up), then prints each failure with its expression.
Exit status 0 only if all checks pass.
"""
import argparse
import json
import re
import sys
import time
import urllib.parse
import urllib.request

KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "inf", "nan", "atan2"}


def dashboard_queries(path):
    with open(path) as f:
        dash = json.load(f)
    panels = []
    for p in dash.get("panels", []):
        panels.append(p)
        panels.extend(p.get("panels", []))
    queries = []
    for p in panels:
        for t in p.get("targets", []):
            if t.get("expr"):
                queries.append(("panel '%s' %s" % (p.get("title"), t.get("refId")), t["expr"]))
    variables = []
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            variables.append(("variable $%s" % v["name"], q))
    return queries, variables


def substitute(expr, rate_window):
    expr = re.sub(r"\$\{?__rate_interval\}?", rate_window, expr)
    expr = re.sub(r"\$\{?__interval\}?", "1s", expr)
    expr = re.sub(r"\$\{?__range\}?", "1m", expr)
    # Dashboard variables are used in regex matchers (=~): "All".
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


def metric_names(expr):
    """Metric names referenced by a PromQL expression (good enough for kade's expressions)."""
    s = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', '""', expr)
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s, flags=re.I)
    s = re.sub(r"(?<![\w:.])\d+(\.\d+)?([eE][+-]?\d+)?(ms|[smhdwy])?(?![\w:])", " ", s)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", s):
        word = m.group(0)
        if word.lower() in KEYWORDS or re.match(r"\s*\(", s[m.end():]):
            continue
        names.add(word)
    return sorted(names)


class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def get(self, path, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        try:
            with urllib.request.urlopen("%s%s?%s" % (self.url, path, query), timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:  # 400/422 carry a JSON error body
            return json.load(e)

    def query(self, expr):
        return self.get("/api/v1/query", query=expr)

    def has_series(self, selector):
        body = self.get("/api/v1/series", **{"match[]": selector, "start": str(time.time() - 300)})
        return body.get("status") == "success" and len(body.get("data", [])) > 0


def loaded_rules(prom):
    """The rules as Prometheus loaded them from the rules file: [(name, expr, health, lastError)]."""
    body = prom.get("/api/v1/rules")
    return [(r["name"], r["query"], r.get("health"), r.get("lastError"))
            for g in body.get("data", {}).get("groups", []) for r in g["rules"]]


def check_all(prom, dashboard, rate_window):
    """Returns (number of checks, failures as human-readable strings)."""
    queries, variables = dashboard
    rules = loaded_rules(prom)
    failures = []
    if not rules:
        failures.append("Prometheus has loaded no rules: check its rule_files")
    for where, raw in queries:
        expr = substitute(raw, rate_window)
        body = prom.query(expr)
        if body.get("status") != "success":
            failures.append("dashboard %s: error %s\n    %s" % (where, body.get("error"), expr))
        elif not body["data"]["result"]:
            missing = [n for n in metric_names(expr) if not prom.has_series(n)]
            failures.append("dashboard %s: no data%s\n    %s" % (
                where, " (no series for %s)" % ", ".join(missing) if missing else "", expr))
    for where, raw in variables:
        m = re.match(r"^\s*label_values\((.*),\s*(\w+)\s*\)\s*$", raw or "")
        if not m:
            failures.append("dashboard %s: unsupported variable query %r" % (where, raw))
        elif not prom.has_series(substitute(m.group(1), rate_window)):
            failures.append("dashboard %s: label_values() finds no series\n    %s" % (where, raw))
    for name, expr, health, last_error in rules:
        body = prom.query(expr)
        missing = [n for n in metric_names(expr) if not prom.has_series(n)]
        if body.get("status") != "success":
            failures.append("rule %s: error %s\n    %s" % (name, body.get("error"), expr))
        elif missing:
            failures.append("rule %s: no series for %s\n    %s" % (name, ", ".join(missing), expr))
        elif health != "ok":
            failures.append("rule %s: Prometheus reports health %s %s" % (name, health, last_error or ""))
    return len(queries) + len(variables) + max(len(rules), 1), failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prometheus", help="base URL, e.g. http://127.0.0.1:9090")
    ap.add_argument("--dashboard")
    ap.add_argument("--rate-window", default="10s", help="value for Grafana's $__rate_interval")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--names", metavar="EXPR", help="print the metric names of EXPR and exit")
    args = ap.parse_args()
    if args.names is not None:
        print("\n".join(metric_names(args.names)))
        return 0
    if not args.prometheus or not args.dashboard:
        ap.error("--prometheus and --dashboard are required")
    prom = Prometheus(args.prometheus)
    dashboard = dashboard_queries(args.dashboard)
    deadline = time.time() + args.timeout
    while True:
        checks, failures = check_all(prom, dashboard, args.rate_window)
        if not failures or time.time() > deadline:
            break
        time.sleep(2)
    for f in failures:
        print("FAIL " + f)
    print("promql: %d dashboard queries, %d dashboard variables, %d rules" % (
        len(dashboard[0]), len(dashboard[1]), len(loaded_rules(prom))))
    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
