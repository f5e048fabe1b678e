#!/usr/bin/python3
"""PyTorch timings of the learned proximal network of the 1-D Laplacian example.

Not part of the tests or CI: it measures the PyTorch baseline that the quick-report section
`proximal` (LearnedProximalNetwork, ProximalTrainer) is compared with, on the same model, batch
and thread count, so that the two can be run one after the other in the same window:

    env -u OPENBLAS_CORETYPE /usr/bin/python3 Numerics.Bench/compare_lpn.py --schedule both
    env -u OPENBLAS_CORETYPE dotnet run -c Release --project Numerics.Bench -- report --section proximal

The model is the dense input-convex network of ProximalNetworkArchitecture, written with
nn.Linear as the official code writes its 1-D model (exps/laplacian/network.py):

    z_1 = s(A_0 y + b_0),  z_k = s(W_k z_{k-1} + B_k y + c_k) (k = 2..K),  psi(y) = w'z_K + a'y + alpha*|y|^2

with s = Softplus(beta), W_k >= 0 and w >= 0 clamped after every optimizer step (the official
wclip), and the prox f(y) = grad_y psi(y) taken by autograd with create_graph=True, so that the
loss's backward differentiates through it (double backward). The official 1-D model has no bias
on its first layer and a constant on its last (10,502 parameters at width 50); this one follows
ours (10,551 parameters at width 50), which costs the same. alpha = 0 in both examples, so the
alpha term is left out of the graph, as the official code has none.

  --schedule default:  LaplaceDenoisingExample.DefaultArchitecture, width 32, 4 layers (CI schedule);
  --schedule notebook: LaplaceDenoisingExample.NotebookArchitecture, width 50, 5 layers (the
                       official notebook's model and its 48,000 steps at batch 2000);
  both: beta = 10, alpha = 0, batch 2000, sigma = 1.

Timed, each as the median of --steps runs after --warmup untimed ones, torch.set_num_threads(--threads):
  * forward: psi(y) for the batch, without autograd (the report's "forward psi" row);
  * prox: f(y) = grad psi(y) by autograd, no graph kept (the report's "prox" row);
  * step: one training step of the notebook's loop (single_iteration): Laplace samples and noise,
    f(y) with create_graph=True, the proximal-matching loss (gamma 0.5), zero_grad, backward, Adam
    (lr 1e-4), clamp (the report's "training step" row, which also samples, steps Adam and projects).
Also: the wall time of `python3 -c pass` and of `python3 -c "import torch"` (best of 3), for the
end-to-end view of a run (process start, import, then steps x the median step).

Debian's build (BLAS_INFO=generic) runs its matrix products on the system OpenBLAS, whose own
pthread pool sits next to PyTorch's OpenMP pool: on 2 cores the two pools contend. Running with
OPENBLAS_NUM_THREADS=1 leaves the cores to OpenMP; the environment line records the setting.

Each measurement is one JSON line. --dtype float32 is PyTorch's default and what the official code
trains in; ours is float64 throughout, so float64 is the like-for-like row.

Usage: /usr/bin/python3 Numerics.Bench/compare_lpn.py [--schedule default|notebook|both]
       [--dtype float32|float64|both] [--batch 2000] [--threads 2] [--steps 200] [--warmup 20]
(Debian 12: apt-get install python3-torch, which is PyTorch 1.13.1)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn

ARCHITECTURES = {
    # name: (input dimension n, width h, layers K, beta, alpha), as LaplaceDenoisingExample
    "default": (1, 32, 4, 10.0, 0.0),
    "notebook": (1, 50, 5, 10.0, 0.0),
}


class LPN(nn.Module):
    """The dense ICNN of ProximalNetworkArchitecture; forward returns the prox f(y) = grad psi(y)."""

    def __init__(self, n, h, layers, beta, alpha):
        super().__init__()
        self.alpha = alpha
        # The hidden path: A_0 (free, with b_0), then W_2..W_K (>= 0, no bias), then w (>= 0).
        self.lin = nn.ModuleList(
            [nn.Linear(n, h, bias=True), *[nn.Linear(h, h, bias=False) for _ in range(layers - 1)], nn.Linear(h, 1, bias=False)]
        )
        # The input passthrough: B_k with c_k for k = 2..K, then a (no constant: it has no gradient).
        self.res = nn.ModuleList([*[nn.Linear(n, h) for _ in range(layers - 1)], nn.Linear(n, 1, bias=False)])
        self.act = nn.Softplus(beta=beta)
        self.wclip()

    def scalar(self, y):
        z = self.act(self.lin[0](y))
        for core, res in zip(self.lin[1:-1], self.res[:-1]):
            z = self.act(core(z) + res(y))
        psi = self.lin[-1](z) + self.res[-1](y)
        if self.alpha != 0:
            psi = psi + self.alpha * (y * y).sum(dim=1, keepdim=True)
        return psi

    def wclip(self):
        with torch.no_grad():
            for core in self.lin[1:]:
                core.weight.data.clamp_(0)

    def forward(self, y, create_graph=True):
        with torch.enable_grad():
            if not y.requires_grad:
                y.requires_grad = True
            psi = self.scalar(y)
            return torch.autograd.grad(psi.sum(), y, retain_graph=create_graph, create_graph=create_graph)[0]


def proximal_matching(out, target, gamma):
    """mean_i 1 - exp(-|out_i - target_i|^2 / gamma^2), the notebook's exp_func for n = 1."""
    d2 = ((out - target) ** 2).sum(dim=1)
    return (1 - torch.exp(-d2 / gamma**2)).mean()


def median_ms(fn, steps, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times), 1e3 * min(times)


def bench(name, dtype, args):
    n, h, layers, beta, alpha = ARCHITECTURES[name]
    torch.manual_seed(0)
    model = LPN(n, h, layers, beta, alpha).to(dtype)
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    laplace = torch.distributions.laplace.Laplace(torch.tensor(0.0, dtype=dtype), torch.tensor(1.0, dtype=dtype))
    sigma, gamma, m = 1.0, 0.5, args.batch
    y = torch.randn(m, n, dtype=dtype)

    def forward():
        with torch.no_grad():
            return model.scalar(y)

    def prox():
        return model(y.detach(), create_graph=False)

    def step():
        target = laplace.sample((m,)).reshape(m, n)
        noisy = target + sigma * torch.randn_like(target)
        out = model(noisy)
        loss = proximal_matching(out, target, gamma)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.wclip()
        return loss

    common = {"schedule": name, "dtype": str(dtype).replace("torch.", ""), "width": h, "layers": layers, "beta": beta,
              "alpha": alpha, "parameters": parameters, "batch": m, "threads": torch.get_num_threads()}
    rows = {}
    for what, fn in (("forward", forward), ("prox", prox), ("step", step)):
        median, best = median_ms(fn, args.steps, args.warmup)
        rows[what] = median
        print(json.dumps({"what": what, **common, "median_ms": round(median, 4), "min_ms": round(best, 4), "steps": args.steps}), flush=True)
    print(json.dumps({"what": "ratios", **common, "prox_over_forward": round(rows["prox"] / rows["forward"], 3),
                      "step_over_forward": round(rows["step"] / rows["forward"], 3)}), flush=True)


def startup():
    def wall(code):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            best = min(best, time.perf_counter() - start)
        return best

    bare = wall("pass")
    imported = wall("import torch")
    print(json.dumps({"what": "startup", "python_s": round(bare, 3), "python_import_torch_s": round(imported, 3)}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schedule", choices=["default", "notebook", "both"], default="both")
    parser.add_argument("--dtype", choices=["float32", "float64", "both"], default="both")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    print(json.dumps({"what": "environment", "torch": torch.__version__, "python": sys.version.split()[0],
                      "threads": torch.get_num_threads(), "cpus": os.cpu_count(), "load": os.getloadavg(),
                      "mkldnn": torch.backends.mkldnn.is_available(), "mkl": torch.backends.mkl.is_available(),
                      "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS")}), flush=True)
    names = ["default", "notebook"] if args.schedule == "both" else [args.schedule]
    dtypes = [torch.float32, torch.float64] if args.dtype == "both" else [getattr(torch, args.dtype)]
    for name in names:
        for dtype in dtypes:
            bench(name, dtype, args)
    if not args.skip_startup:
        startup()
    print(json.dumps({"what": "done", "load": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
