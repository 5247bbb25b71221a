"""Reference detectors for docs/quality.md, on the splits and seeds of kade's quality figures (QualityBenchmark):
IsolationForest (scikit-learn, default settings, random_state = seed) and a PyTorch AE of the shape of kade's default
AE member (F -> 2F -> F -> F/2 -> F -> 2F -> F, ReLU, Adam 1e-3, batch 128, MSE, early stopping on 10% of the training
rows, median/IQR scaling fitted on the training rows), each trained on NAME.train.csv (normal rows only) and scored
on NAME.test.csv by ROC-AUC against its `label` column. Writes one line per set and seed to OUT.tsv and the table
docs/quality.md shows (mean over seeds per set, min-max, and the mean over sets) to OUT.md; the last stdout line is
one JSON object. A detector whose module is missing is skipped with a message, its column "n/a".
Usage: python3 baselines.py DIR OUT_PREFIX SETS SEEDS [MAX_EPOCHS]"""
import csv
import json
import sys
import time

import numpy as np

try:
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
except ImportError as e:  # the run script checks first; this keeps the message if called directly
    sys.exit("baselines: scikit-learn is missing (%s); install python3-sklearn" % e)

try:
    import torch
except ImportError:
    torch = None


def read(path, label):
    with open(path) as f:
        rows = list(csv.reader(f))
    header = rows[0]
    li = header.index("label") if label else -1
    feats = [i for i, h in enumerate(header) if i != li]
    x = np.array([[float(r[i]) for i in feats] for r in rows[1:]], dtype=np.float64)
    y = np.array([int(float(r[li])) for r in rows[1:]]) if label else None
    return x, y


def isolation_forest(train, test, seed):
    model = IsolationForest(random_state=seed).fit(train)
    return -model.score_samples(test)  # higher = more anomalous


def torch_ae(train, test, seed, max_epochs, patience=10):
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    gen = np.random.default_rng(seed)
    perm = gen.permutation(len(train))
    n_val = max(1, len(train) // 10)
    val, fit = train[perm[:n_val]], train[perm[n_val:]]
    med = np.median(fit, axis=0)
    iqr = np.quantile(fit, 0.75, axis=0) - np.quantile(fit, 0.25, axis=0)
    iqr[iqr == 0] = 1.0
    t = lambda a: torch.tensor((a - med) / iqr, dtype=torch.float32)
    fit_t, val_t, test_t = t(fit), t(val), t(test)
    f = train.shape[1]
    hidden, latent = [max(4, 2 * f), max(2, f)], max(2, f // 2)
    sizes = [f] + hidden + [latent] + list(reversed(hidden)) + [f]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i != len(hidden) and i != len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    best, best_state, waited = float("inf"), None, 0
    for _ in range(max_epochs):
        net.train()
        order = torch.randperm(fit_t.shape[0])
        for s in range(0, fit_t.shape[0], 128):
            b = fit_t[order[s:s + 128]]
            opt.zero_grad()
            loss = torch.mean((net(b) - b) ** 2)
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            v = torch.mean((net(val_t) - val_t) ** 2).item()
        if v < best - 1e-7:
            best, waited = v, 0
            best_state = {k: p.clone() for k, p in net.state_dict().items()}
        else:
            waited += 1
            if waited >= patience:
                break
    net.load_state_dict(best_state)
    with torch.no_grad():
        return torch.mean((net(test_t) - test_t) ** 2, dim=1).numpy()


def main():
    directory, out, sets, seeds = sys.argv[1], sys.argv[2], sys.argv[3].split(","), [int(s) for s in sys.argv[4].split(",")]
    max_epochs = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    if torch is None:
        print("baselines: PyTorch is missing (import torch failed): the PyTorch AE column is skipped; "
              "install python3-torch", file=sys.stderr)
    lines = []
    for name in sets:
        train, _ = read("%s/%s.train.csv" % (directory, name), False)
        test, labels = read("%s/%s.test.csv" % (directory, name), True)
        for seed in seeds:
            t0 = time.perf_counter()
            roc_if = roc_auc_score(labels, isolation_forest(train, test, seed))
            roc_ae = roc_auc_score(labels, torch_ae(train, test, seed, max_epochs)) if torch is not None else float("nan")
            lines.append((name, seed, roc_if, roc_ae))
            print("RUN %s seed %d: IsolationForest %.4f, PyTorch AE %.4f (%.1f s)"
                  % (name, seed, roc_if, roc_ae, time.perf_counter() - t0), file=sys.stderr)
    with open(out + ".tsv", "w") as f:
        for name, seed, a, b in lines:
            f.write("%s\t%d\t%.6f\t%s\n" % (name, seed, a, "nan" if b != b else "%.6f" % b))
    fmt = lambda v: "n/a" if v != v else "%.3f" % v
    table = ["| set | seeds | IsolationForest ROC-AUC (min–max) | PyTorch AE ROC-AUC (min–max) |", "|---|---|---|---|"]
    means = []
    for name in sets:
        a = [l[2] for l in lines if l[0] == name]
        b = [l[3] for l in lines if l[0] == name]
        ma, mb = float(np.mean(a)), float(np.mean(b))
        means.append((name, ma, mb))
        table.append("| %s | %s | %s (%s–%s) | %s (%s–%s) |" % (name, ",".join(map(str, seeds)), fmt(ma), fmt(min(a)), fmt(max(a)),
                                                            fmt(mb), fmt(min(b)), fmt(max(b))))
    table.append("| **mean** | | **%s** | **%s** |" % (fmt(float(np.mean([m[1] for m in means]))),
                                                       fmt(float(np.mean([m[2] for m in means])))))
    with open(out + ".md", "w") as f:
        f.write("\n".join(table) + "\n")
    print("\n".join(table), file=sys.stderr)
    print(json.dumps({"benchmark": "baselines", "seeds": seeds, "torch": torch.__version__ if torch else None,
                      "results": [{"set": n, "isolation_forest": round(a, 4), "torch_ae": None if b != b else round(b, 4)}
                                  for n, a, b in means]}))


if __name__ == "__main__":
    main()
