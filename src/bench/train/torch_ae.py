"""PyTorch (CPU) side of src/bench/train/run: the network kade's default AE member has on the same file, trained the
same way (80% of the rows, robust-scaled, mini-batch Adam lr 1e-3, batch 128, MSE, the given epochs, one thread per
process as kade's member has one thread), printing seconds per epoch as one JSON line. Like kade's trainer, each
epoch ends with the loss on the other 20% (no gradients), which kade uses for early stopping and the best epoch:
s_per_epoch includes it, s_per_epoch_train_only does not. The run script pins BLAS and OpenMP to one thread.
Usage: python3 torch_ae.py CSV EPOCHS.  Not run where `import torch` fails (the run script says so)."""
import csv
import json
import sys
import time

import torch


def main():
    path, epochs = sys.argv[1], int(sys.argv[2])
    with open(path) as f:
        rows = list(csv.reader(f))
    x = torch.tensor([[float(v) for v in r] for r in rows[1:]], dtype=torch.float64)
    torch.manual_seed(42)
    n = x.shape[0]
    perm = torch.randperm(n)
    train = x[perm[: int(n * 0.8)]]
    val = x[perm[int(n * 0.8):]]
    med = train.median(dim=0).values
    iqr = train.quantile(0.75, dim=0) - train.quantile(0.25, dim=0)
    iqr[iqr == 0] = 1.0
    train = (train - med) / iqr
    val = (val - med) / iqr
    f = x.shape[1]
    hidden, latent = [max(4, 2 * f), max(2, f)], max(2, f // 2)
    sizes = [f] + hidden + [latent] + list(reversed(hidden)) + [f]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]).double())
        if i != len(hidden) and i != len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    torch.set_num_threads(1)
    times = []
    train_only = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(train.shape[0])
        for s in range(0, train.shape[0], 128):
            b = train[order[s:s + 128]]
            opt.zero_grad()
            loss = torch.mean((net(b) - b) ** 2)
            loss.backward()
            opt.step()
        train_only.append(time.perf_counter() - t0)
        with torch.no_grad():
            torch.mean((net(val) - val) ** 2).item()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"torch": torch.__version__, "epochs": epochs, "s_per_epoch": sum(times) / len(times),
                      "s_per_epoch_train_only": sum(train_only) / len(train_only)}))


if __name__ == "__main__":
    main()
