#!/usr/bin/env python3
"""File conversions for src/bench/nab/run (Python 3 standard library only).

  nab_io.py prepare DATA_DIR WORK_DIR
      Reads DATA_DIR/<category>/<file>.csv (NAB format: timestamp,value) and writes
        WORK_DIR/train.csv   entity,timestamp,value: each file's probationary part only, its first
                             min(floor(0.15*rows), 750) rows (NAB's rule; the detector may learn from it)
        WORK_DIR/all.csv     entity,timestamp,value: every row of every file, interleaved by time; each
                             entity's rows stay in file order (merge key: the entity's newest time so far)
        WORK_DIR/index.json  the files, their row counts and timestamps, for `results`
        WORK_DIR/order.json  for each all.csv row, its file and its row in that file
      The entity of a file is "<category>/<file>" (one file = one entity). Prints one JSON line of counts.

  nab_io.py results WORK_DIR SCORES OUT_DIR
      Reads the backtest's scores (JSON lines or CSV with anomaly_score and either row (0-based position in
      all.csv, as kade backtest writes it) or entity and event_time/timestamp/time; dead-lettered rows carry
      dead_letter) and writes NAB's results format, one file per data file:
      OUT_DIR/<category>/kade_<file>.csv with columns timestamp,value,anomaly_score, one row per data row in
      the data's order and with the data's timestamps. A row without a score (warming up, dead-lettered) or
      with a non-finite score gets 0; scores are clamped to [0, 1]. Prints one JSON line of counts.
"""
import csv
import datetime
import json
import math
import os
import sys


def _epoch_seconds(text):
    """NAB's 'YYYY-MM-DD HH:MM:SS' (taken as UTC, as kade's SeriesTime does), ISO-8601 with T/Z/offset, or
    epoch seconds/milliseconds -> integer epoch milliseconds."""
    s = str(text).strip()
    try:
        v = float(s)
        if math.isfinite(v) and ":" not in s:
            return int(round(v * 1000)) if abs(v) < 1e11 else int(round(v))
    except ValueError:
        pass
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    d = datetime.datetime.fromisoformat(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return int(round(d.timestamp() * 1000))


def _nab_files(data_dir):
    out = []
    for cat in sorted(os.listdir(data_dir)):
        d = os.path.join(data_dir, cat)
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if fn.endswith(".csv"):
                out.append((cat, fn, os.path.join(d, fn)))
    return out


def prepare(data_dir, work):
    os.makedirs(work, exist_ok=True)
    files = _nab_files(data_dir)
    if not files:
        raise SystemExit("nab_io: no <category>/<file>.csv under %s" % data_dir)
    rows = []   # (epoch ms, file number, row number, entity, timestamp text, value text)
    index = []
    train_rows = 0
    with open(os.path.join(work, "train.csv"), "w", newline="") as tf:
        tw = csv.writer(tf, lineterminator="\n")
        tw.writerow(["entity", "timestamp", "value"])
        for i, (cat, fn, path) in enumerate(files):
            with open(path, newline="") as f:
                r = csv.reader(f)
                header = next(r)
                if [h.strip() for h in header[:2]] != ["timestamp", "value"]:
                    raise SystemExit("nab_io: %s: expected columns timestamp,value, got %s" % (path, header))
                data = [(row[0], row[1]) for row in r if row]
            entity = cat + "/" + fn
            prob = int(min(math.floor(0.15 * len(data)), 0.15 * 5000))
            newest = None
            for j, (t, v) in enumerate(data):
                # merge key: the newest time of this entity so far, so that each entity keeps its file order even
                # where its timestamps repeat or step back (NAB has both: ec2_request_latency repeats 03:00 at a
                # DST change, machine_temperature steps back 55 minutes once); the stream then sees such a record
                # as late, as it would in production
                ms = _epoch_seconds(t)
                newest = ms if newest is None or ms > newest else newest
                rows.append((newest, i, j, entity, t, v))
                if j < prob:
                    tw.writerow([entity, t, v])
                    train_rows += 1
            index.append({"category": cat, "file": fn, "entity": entity, "rows": len(data), "probationary": prob,
                          "timestamps": [t for t, _ in data], "values": [v for _, v in data]})
    rows.sort(key=lambda x: (x[0], x[1], x[2]))
    with open(os.path.join(work, "all.csv"), "w", newline="") as af:
        aw = csv.writer(af, lineterminator="\n")
        aw.writerow(["entity", "timestamp", "value"])
        for _, _, _, e, t, v in rows:
            aw.writerow([e, t, v])
    with open(os.path.join(work, "order.json"), "w") as f:
        json.dump([[x[1], x[2]] for x in rows], f)  # all.csv position -> [file number, row in the file]
    with open(os.path.join(work, "index.json"), "w") as f:
        json.dump(index, f)
    print(json.dumps({"files": len(files), "rows": len(rows), "train_rows": train_rows,
                      "categories": sorted({c for c, _, _ in files})}))


def _read_scores(path):
    """Yields (entity, epoch ms, score) from JSON lines or CSV."""
    with open(path, newline="") as f:
        first = f.readline()
        f.seek(0)
        if first.lstrip().startswith("{"):
            for line in f:
                line = line.strip()
                if line:
                    yield _pick(json.loads(line))
        else:
            for rec in csv.DictReader(f):
                yield _pick(rec)


def _pick(rec):
    """(row or None, entity or None, time or None, score, dead-lettered?) of one score record. kade backtest
    writes the input row (its 0-based position in the replayed file) on every line, and a dead-lettered row
    as {"row": .., "dead_letter": reason} (CSV: a non-empty dead_letter column)."""
    row = rec.get("row")
    row = int(row) if row not in (None, "") else None
    if rec.get("dead_letter") not in (None, ""):
        return row, None, None, float("nan"), True
    t = rec.get("event_time", rec.get("timestamp", rec.get("time")))
    e = rec.get("entity")
    if row is None and (e is None or t is None):
        raise SystemExit("nab_io: score record with neither row nor entity and time: %s" % str(rec)[:200])
    s = rec.get("anomaly_score")
    try:
        s = float(s) if s is not None and s != "" else float("nan")
    except (TypeError, ValueError):
        s = float("nan")
    return row, (str(e) if e is not None else None), (_epoch_seconds(t) if t not in (None, "") else None), s, False


def results(work, scores_path, out_dir):
    with open(os.path.join(work, "index.json")) as f:
        index = json.load(f)
    by_entity = {x["entity"]: x for x in index}
    # all.csv position -> (file number, row in the file): a score line's row number points here
    with open(os.path.join(work, "order.json")) as f:
        order = json.load(f)
    # without row numbers: (entity, time) -> that entity's rows with that time, in file order
    by_time = {}
    for fi, x in enumerate(index):
        for j, t in enumerate(x["timestamps"]):
            by_time.setdefault((x["entity"], _epoch_seconds(t)), []).append((fi, j))
    got = {}  # (file number, row in the file) -> score
    unknown = dead = 0
    for row, e, t, s, dl in _read_scores(scores_path):
        if row is not None:
            if not 0 <= row < len(order):
                raise SystemExit("nab_io: score line for row %d, but %d rows were replayed" % (row, len(order)))
            fi, j = order[row]
            if e is not None and e != index[fi]["entity"]:
                raise SystemExit("nab_io: row %d is entity %s in the replayed file but %s in the scores"
                                 % (row, index[fi]["entity"], e))
            key = (fi, j)
        else:
            if e not in by_entity:
                unknown += 1
                continue
            todo = by_time.get((e, t))
            if not todo:
                unknown += 1
                continue
            key = todo.pop(0)
        if dl:
            dead += 1
            continue
        got[key] = s
    written = missing = nonfinite = 0
    for fi, x in enumerate(index):
        d = os.path.join(out_dir, x["category"])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "kade_" + x["file"]), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["timestamp", "value", "anomaly_score"])
            for j, (t, v) in enumerate(zip(x["timestamps"], x["values"])):
                s = got.get((fi, j))
                if s is None:
                    missing += 1
                    s = 0.0
                elif not math.isfinite(s):
                    nonfinite += 1
                    s = 0.0
                w.writerow([t, v, repr(min(1.0, max(0.0, s)))])
                written += 1
    print(json.dumps({"rows": written, "scored": written - missing, "unscored_rows": missing,
                      "nonfinite_scores": nonfinite, "dead_lettered": dead,
                      "unknown_entities": unknown}))


def main(argv):
    if len(argv) == 3 and argv[0] == "prepare":
        prepare(argv[1], argv[2])
    elif len(argv) == 4 and argv[0] == "results":
        results(argv[1], argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
