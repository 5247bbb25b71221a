#!/usr/bin/env python3
"""Compares a fresh `kade demo` run with the figures the documentation shows for it.

Usage: demo-doc-check.py RUN_OUTPUT DOC [DOC ...]

RUN_OUTPUT is the demo's standard output (its last summary line, the JSON object, is read). Each DOC is a Markdown file
that quotes the demo's JSON summary line ({"records_in": ...}); docs/demo.md also quotes the model line with
the threshold. The demo trains with a fixed seed (bit for bit reproducible) and streams records drawn with
a fixed seed, so counts, alerts and threshold repeat exactly; precision and recall are compared within
PRECISION_RECALL_TOLERANCE in case a record near the threshold is scored in another batch shape. Times
("seconds", "done in") depend on the machine and are not compared.

Exits 1 naming every figure that drifted, and the document it came from, so the fix is to regenerate that
document from a real run.
"""
import json
import re
import sys

EXACT = ("records_in", "scored", "dead_lettered", "alerts", "known_anomalies", "true_positives")
PRECISION_RECALL_TOLERANCE = 0.002
SUMMARY = re.compile(r'^\s*(\{"records_in".*\})\s*$', re.M)
THRESHOLD = re.compile(r'^\[demo\]\s+model \S+ written to \S+ \(threshold ([0-9.]+)\)\s*$', re.M)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    run_text = open(argv[1], encoding="utf-8").read()
    run_summaries = SUMMARY.findall(run_text)
    if not run_summaries:
        print(f"{argv[1]} holds no demo summary line", file=sys.stderr)
        return 1
    run_summary = json.loads(run_summaries[-1])
    run_threshold = THRESHOLD.search(run_text)
    problems = []
    for doc in argv[2:]:
        text = open(doc, encoding="utf-8").read()
        summaries = SUMMARY.findall(text)
        if not summaries:
            problems.append(f"{doc}: quotes no demo summary line ({{\"records_in\": ...}})")
        for quoted in summaries:
            shown = json.loads(quoted)
            for key in EXACT:
                if shown.get(key) != run_summary.get(key):
                    problems.append(f"{doc}: {key} shown {shown.get(key)}, a fresh run gives {run_summary.get(key)}")
            for key in ("precision", "recall"):
                a, b = shown.get(key), run_summary.get(key)
                if a is None or b is None or abs(a - b) > PRECISION_RECALL_TOLERANCE:
                    problems.append(f"{doc}: {key} shown {a}, a fresh run gives {b} "
                                    f"(tolerance {PRECISION_RECALL_TOLERANCE})")
        for shown_threshold in THRESHOLD.findall(text):
            if run_threshold is None or shown_threshold != run_threshold.group(1):
                problems.append(f"{doc}: threshold shown {shown_threshold}, a fresh run gives "
                                f"{run_threshold.group(1) if run_threshold else 'no model line'}")
    if problems:
        print("the documented demo figures drifted from a fresh run; regenerate the docs from a real run "
              "(java -jar target/kade-demo.jar demo):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"documented demo figures match the fresh run ({', '.join(argv[2:])})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
