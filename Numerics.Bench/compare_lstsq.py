#!/usr/bin/python3
"""End-to-end least squares from .npy files: `numerics lstsq` against NumPy + SciPy in a fresh process.

Not part of the tests or CI: it produces the end-to-end rows of docs/benchmarks.md. Each trial
starts a fresh process, as a user would: the CLI (load A and b, sketch-and-solve, write x) and
`python3 -c "np.load; scipy.linalg.lstsq(..., lapack_driver='gelsd'); np.save"`. Trials alternate
so that both sides see the same machine load. Wall time and peak RSS come from os.wait4 for that
child alone.

Usage: /usr/bin/python3 Numerics.Bench/compare_lstsq.py [--cli PATH] [--rows 131072] [--cols 256] [--trials 3]
(build the CLI first: dotnet build Numerics.Cli -c Release; Debian: apt-get install python3-scipy)
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

PYTHON_SOLVE = (
    "import sys, numpy as np, scipy.linalg as sl;"
    "A = np.load(sys.argv[1]); b = np.load(sys.argv[2]);"
    "x = sl.lstsq(A, b, lapack_driver='gelsd')[0]; np.save(sys.argv[3], x)"
)


def run(argv, env=None):
    """Runs argv; returns (seconds, peak RSS in MB) of that child alone."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{argv[0]} failed with exit code {child.returncode}: {child.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default="Numerics.Cli/bin/Release/net10.0/numerics")
    parser.add_argument("--rows", type=int, default=131072)
    parser.add_argument("--cols", type=int, default=256)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        rng = np.random.default_rng(1)
        a = rng.standard_normal((args.rows, args.cols))
        b = a @ rng.standard_normal(args.cols) + 1e-3 * rng.standard_normal(args.rows)
        a_path, b_path = os.path.join(work, "A.npy"), os.path.join(work, "b.npy")
        np.save(a_path, a)  # C order, as numpy writes by default
        np.save(b_path, b)
        file_mb = os.path.getsize(a_path) / 2**20
        del a, b
        cli = [args.cli, "lstsq", "--a", a_path, "--b", b_path, "--out", os.path.join(work, "x_cli.npy")]
        py = [sys.executable, "-c", PYTHON_SOLVE, a_path, b_path, os.path.join(work, "x_py.npy")]
        ours, theirs = [], []
        for _ in range(args.trials):
            ours.append(run(cli))
            theirs.append(run(py))
        x_cli = np.load(os.path.join(work, "x_cli.npy"))
        x_py = np.load(os.path.join(work, "x_py.npy"))
        rel = np.linalg.norm(x_cli - x_py) / np.linalg.norm(x_py)
    print(f"A: {args.rows}x{args.cols} float64, {file_mb:.1f} MiB; trials alternate, fresh process each")
    print(f"{'':28}{'median s':>10}{'min s':>8}{'max s':>8}{'peak RSS MiB':>14}{'RSS / file':>11}")
    for name, runs in (("numerics lstsq", ours), ("numpy.load + scipy gelsd", theirs)):
        times = [t for t, _ in runs]
        rss = max(r for _, r in runs)
        print(f"{name:28}{statistics.median(times):10.2f}{min(times):8.2f}{max(times):8.2f}{rss:14.0f}{rss / file_mb:11.2f}")
    print(f"speed-up (median): {statistics.median(t for t, _ in theirs) / statistics.median(t for t, _ in ours):.2f}x; "
          f"||x_cli - x_scipy|| / ||x_scipy|| = {rel:.1e}")


if __name__ == "__main__":
    main()
