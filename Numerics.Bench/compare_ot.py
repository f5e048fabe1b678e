#!/usr/bin/python3
"""POT's exact, entropic and quadratically regularised transport on the transport report's problems.

Not part of the tests or CI: it times the POT baselines that the quick-report section
`transport-exact` (ExactTransport, SinkhornTransport) is compared with, on the same problems.

Problems: for each n, x and y are n points uniform in the unit square (numpy seed n), the cost is
their squared Euclidean distance divided by its maximum, and the masses are uniform in [0.5, 1.5]
then normalised. They are written to DIR as ot_{n}_a.npy, ot_{n}_b.npy, ot_{n}_C.npy (float64; the
cost in C order, which the .npy reader handles), or read from there when they exist, so that

    /usr/bin/python3 Numerics.Bench/compare_ot.py --dir /tmp/ot
    NUMERICS_OT_PROBLEMS=/tmp/ot dotnet run -c Release --project Numerics.Bench -- report --section transport-exact

solve the same problems on both sides.

Timed (best of --repeat runs, single thread):
  * ot.emd (C++ network simplex), numItermax raised to 10^7 (the default 100000 stops short at n = 4000);
  * ot.sinkhorn with method 'sinkhorn_log' (the log-domain iteration the C# side implements) and
    the default 'sinkhorn' (scaling), reg = --reg, numItermax 1000, stopThr 1e-9 (POT's defaults);
  * ot.smooth.smooth_ot_semi_dual(..., reg_type='l2') with gamma = --gamma (POT's defaults:
    L-BFGS-B, stopThr 1e-9, numItermax 500), for the sparse solver's later comparison.

Usage: /usr/bin/python3 Numerics.Bench/compare_ot.py [--dir DIR] [--sizes 500 1000 2000] [--reg 0.05] [--gamma 0.1]
(Debian: apt-get install python3-pot python3-scipy python3-numpy)
"""
import argparse
import os
import time

import numpy as np
import ot
import ot.smooth


def problem(n, folder):
    paths = [os.path.join(folder, f"ot_{n}_{name}.npy") for name in ("a", "b", "C")]
    if all(os.path.exists(p) for p in paths):
        return tuple(np.load(p) for p in paths) + (False,)
    rng = np.random.RandomState(n)
    x, y = rng.rand(n, 2), rng.rand(n, 2)
    a, b = 0.5 + rng.rand(n), 0.5 + rng.rand(n)
    a, b = a / a.sum(), b / b.sum()
    cost = ot.dist(x, y)
    cost /= cost.max()
    os.makedirs(folder, exist_ok=True)
    for p, v in zip(paths, (a, b, cost)):
        np.save(p, v)
    return a, b, cost, True


def best(fn, repeat):
    result, seconds = None, float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        seconds = min(seconds, time.perf_counter() - start)
    return result, seconds


def marginal_errors(plan, a, b):
    return np.abs(plan.sum(1) - a).max(), np.abs(plan.sum(0) - b).max()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default="/tmp/numerics-ot")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--reg", type=float, default=0.05, help="Sinkhorn's entropic regularisation")
    parser.add_argument("--gamma", type=float, default=0.1, help="the l2 semi-dual's regularisation")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-smooth", action="store_true", help="skip the l2 semi-dual (slow at n = 2000)")
    args = parser.parse_args()

    print(f"POT {ot.__version__}, numpy {np.__version__}; problems in {args.dir}")
    print()
    print("| n | method | seconds | iterations | status | cost | max row error | max column error |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        a, b, cost, written = problem(n, args.dir)
        if written:
            print(f"<!-- wrote the n = {n} problem -->")

        (plan, log), t = best(lambda: ot.emd(a, b, cost, numItermax=10_000_000, log=True), args.repeat)
        exact = float(log["cost"])
        print(f"| {n} | ot.emd | {t:.3f} | — | {log['warning'] or 'optimal'} | {exact:.12g} | "
              f"{marginal_errors(plan, a, b)[0]:.1e} | {marginal_errors(plan, a, b)[1]:.1e} |")

        for method in ("sinkhorn_log", "sinkhorn"):
            (plan, log), t = best(lambda: ot.sinkhorn(a, b, cost, args.reg, method=method, numItermax=1000,
                                                      stopThr=1e-9, log=True), args.repeat)
            iterations = log.get("niter", len(log["err"]) * 10)
            rows, cols = marginal_errors(plan, a, b)
            print(f"| {n} | ot.sinkhorn {method}, reg {args.reg} | {t:.3f} | {iterations} | "
                  f"{'converged' if cols <= 1e-9 else 'not converged'} | {float((plan * cost).sum()):.12g} | {rows:.1e} | {cols:.1e} |")

        if not args.skip_smooth:
            (plan, log), t = best(lambda: ot.smooth.smooth_ot_semi_dual(a, b, cost, args.gamma, reg_type="l2",
                                                                          log=True), 1)
            rows, cols = marginal_errors(plan, a, b)
            print(f"| {n} | smooth_ot_semi_dual l2, gamma {args.gamma} | {t:.3f} | {log['res'].nit} | "
                  f"{log['res'].message} | {float((plan * cost).sum()):.12g} | {rows:.1e} | {cols:.1e} |")


if __name__ == "__main__":
    main()
