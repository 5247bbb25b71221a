#!/usr/bin/env python3
"""Writes the compose demo's data (deterministic; standard library only):

- train.csv: normal rows of a made-up pump sensor, for `kade train` (header = feature names).
- payloads.jsonl: one JSON record per line for kafka-producer-perf-test --payload-file, which sends
  lines picked at random: about 97 % normal, 2 % anomalies (the usual relation between the
  readings broken) and 1 % records kade must dead-letter (one per dead-letter reason it can see).

Run from anywhere: python3 docker/demo/generate.py
"""
import json
import os
import random

FEATURES = ["rpm", "current_a", "vibration_mm_s", "temperature_c", "pressure_kpa"]
HERE = os.path.dirname(os.path.abspath(__file__))


def normal(rng):
    rpm = rng.uniform(1000, 3000)
    return {
        "rpm": rpm,
        "current_a": 2 + 0.004 * rpm + rng.gauss(0, 0.3),
        "vibration_mm_s": 0.5 + 0.001 * rpm + rng.gauss(0, 0.1),
        "temperature_c": 40 + 0.01 * rpm + rng.gauss(0, 1.5),
        "pressure_kpa": 300 + 0.05 * rpm + rng.gauss(0, 5),
    }


def anomaly(rng):
    r = normal(rng)
    kind = rng.choice(["bearing", "overheat", "cavitation", "stall"])
    if kind == "bearing":
        r["vibration_mm_s"] *= rng.uniform(3, 6)
    elif kind == "overheat":
        r["temperature_c"] += rng.uniform(25, 45)
    elif kind == "cavitation":
        r["pressure_kpa"] *= rng.uniform(0.4, 0.6)
    else:
        r["current_a"] *= rng.uniform(2, 3)
        r["rpm"] *= rng.uniform(0.2, 0.4)
    return r


def rounded(r):
    return {k: round(v, 3) for k, v in r.items()}


def bad(i, rng):
    r = rounded(normal(rng))
    kind = i % 5
    if kind == 0:
        return "pump 7 says hello"  # not_json
    if kind == 1:
        return json.dumps(list(r.values()))  # not_an_object
    if kind == 2:
        del r["temperature_c"]  # missing_feature
    elif kind == 3:
        r["rpm"] = "fast"  # non_numeric
    else:
        return json.dumps(r).replace(str(r["pressure_kpa"]), "1e999", 1)  # non_finite
    return json.dumps(r)


def main():
    rng = random.Random(20261125)
    with open(os.path.join(HERE, "train.csv"), "w") as f:
        f.write(",".join(FEATURES) + "\n")
        for _ in range(3000):
            r = rounded(normal(rng))
            f.write(",".join(str(r[k]) for k in FEATURES) + "\n")
    lines = [json.dumps(rounded(normal(rng))) for _ in range(1940)]
    lines += [json.dumps(rounded(anomaly(rng))) for _ in range(40)]
    lines += [bad(i, rng) for i in range(20)]
    rng.shuffle(lines)
    with open(os.path.join(HERE, "payloads.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
