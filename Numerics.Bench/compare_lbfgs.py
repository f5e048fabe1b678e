#!/usr/bin/python3
"""Iteration and evaluation counts of SciPy's L-BFGS-B on the problems of the L-BFGS test suite.

Not part of the tests or CI: it produces the SciPy columns of the table in docs/benchmarks.md
("Shared solvers: L-BFGS iteration and evaluation counts vs SciPy L-BFGS-B"). The problems are
built exactly as tests/Numerics.Testing/LbfgsProblems.cs builds them, from the same 64-bit LCG
(PortableUniform.cs), so data agree bit for bit up to the rounding of pow/exp and of the matrix
products. Our counts come from the test HostLbfgsTests.Lbfgs_counts_for_the_SciPy_comparison.

Usage: /usr/bin/python3 Numerics.Bench/compare_lbfgs.py   (Debian: apt-get install python3-scipy)
"""
import time

import numpy as np
import scipy
from scipy.optimize import minimize


class PortableUniform:
    """Knuth's MMIX LCG; top 53 bits of the state times 2^-53 (as PortableUniform.cs)."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 11) * (1.0 / (1 << 53))

    def next_signed(self):
        return 2 * self.next() - 1


def rosenbrock(x):
    """Extended Rosenbrock (Moré-Garbow-Hillstrom 21): pairs (x_2i, x_2i+1)."""
    xo, xe = x[0::2], x[1::2]
    t, u = xe - xo * xo, 1 - xo
    g = np.empty_like(x)
    g[0::2] = -400 * xo * t - 2 * u
    g[1::2] = 200 * t
    return float(np.sum(100 * t * t + u * u)), g


def rosenbrock_start(n):
    return np.array([-1.2 if i % 2 == 0 else 1.0 for i in range(n)])


def quadratic(n):
    """1/2 x'Ax - b'x, A = H diag(10^(-6i/(n-1))) H, H Householder, b = A x_true (seed 7)."""
    rng = PortableUniform(7)
    v = np.array([rng.next_signed() for _ in range(n)])
    x_true = np.array([rng.next_signed() for _ in range(n)])
    h = np.eye(n) - 2 * np.outer(v, v) / (v @ v)
    a = h @ np.diag(10.0 ** (-6.0 * np.arange(n) / (n - 1))) @ h
    a = (a + a.T) * 0.5
    b = a @ x_true

    def f(x):
        ax = a @ x
        return float(x @ (0.5 * ax - b)), ax - b

    return f


def logistic(m, d, lam):
    """l2-regularised logistic regression on LCG data (seed 11), labels drawn against sigma(3 x'w_true)."""
    rng = PortableUniform(11)
    x = np.array([[rng.next_signed() for _ in range(d)] for _ in range(m)])
    w_true = [rng.next_signed() for _ in range(d)]
    y = np.empty(m)
    for i in range(m):
        z = 0.0
        for j in range(d):
            z += x[i, j] * w_true[j]
        y[i] = 1.0 if rng.next() < 1 / (1 + np.exp(-3 * z)) else 0.0

    def f(w):
        z = x @ w
        loss = np.where(z > 0, z + np.log1p(np.exp(-np.abs(z))), np.log1p(np.exp(-np.abs(z)))) - y * z
        sig = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
        g = x.T @ ((sig - y) / m) + lam * w
        return float(loss.sum() / m + 0.5 * lam * w @ w), g

    return f


PROBLEMS = [
    ("rosenbrock2", rosenbrock, rosenbrock_start(2)),
    ("rosenbrock1000", rosenbrock, rosenbrock_start(1000)),
    ("quadratic50", quadratic(50), np.zeros(50)),
    ("logistic200x10", logistic(200, 10, 1e-3), np.zeros(10)),
]


def main():
    print(f"scipy {scipy.__version__}, numpy {np.__version__}; gtol 1e-5, maxcor 10")
    print(f"{'problem':16} {'ftol':>8} {'nit':>6} {'nfev':>6} {'f':>24} {'max|g|':>9}  message")
    for name, f, x0 in PROBLEMS:
        for ftol in (2.220446049250313e-09, 0.0):  # SciPy's default factr*eps, and gradient-only stopping
            r = minimize(f, x0, jac=True, method="L-BFGS-B",
                         options={"gtol": 1e-5, "maxcor": 10, "ftol": ftol, "maxiter": 15000, "maxfun": 15000})
            gmax = np.max(np.abs(f(r.x)[1]))
            print(f"{name:16} {ftol:8.1e} {r.nit:6d} {r.nfev:6d} {r.fun:24.16g} {gmax:9.2e}  {r.message}")
    # Wall clock on the quick report's problem (`-- report --section solvers`): extended Rosenbrock,
    # gradient-only stopping as ours, best of three, in-process (no start-up or loading).
    for n in (100_000, 1_000_000):
        best, r = float("inf"), None
        for _ in range(3):
            t = time.perf_counter()
            r = minimize(rosenbrock, rosenbrock_start(n), jac=True, method="L-BFGS-B",
                         options={"gtol": 1e-5, "maxcor": 10, "ftol": 0.0})
            best = min(best, time.perf_counter() - t)
        print(f"rosenbrock n={n}: {best:.3f} s, nit {r.nit}, nfev {r.nfev}, max|g| {np.max(np.abs(r.jac)):.2e}")


if __name__ == "__main__":
    main()
