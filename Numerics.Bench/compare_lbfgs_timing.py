#!/usr/bin/env python3
"""SciPy's L-BFGS-B on the quick report's extended Rosenbrock problem (history 10, gtol 1e-5,
ftol 0 so that only the gradient test stops it, as ours): best of three wall-clock times, for
comparison with `dotnet run -c Release --project Numerics.Bench -- report --section solvers`.
Kept out of the tests and CI; needs Debian's python3-numpy and python3-scipy."""
import time

import numpy as np
from scipy.optimize import minimize


def rosenbrock(x):
    a, b = x[0::2], x[1::2]
    u, v = b - a * a, 1 - a
    g = np.empty_like(x)
    g[0::2] = -400 * a * u - 2 * v
    g[1::2] = 200 * u
    return float(np.sum(100 * u * u + v * v)), g


for n in (100_000, 1_000_000):
    x0 = np.empty(n)
    x0[0::2], x0[1::2] = -1.2, 1.0
    best, result = float("inf"), None
    for _ in range(3):
        t = time.perf_counter()
        result = minimize(rosenbrock, x0, jac=True, method="L-BFGS-B", options=dict(maxcor=10, gtol=1e-5, ftol=0))
        best = min(best, time.perf_counter() - t)
    print(f"n = {n}: {best:.3f} s, nit = {result.nit}, nfev = {result.nfev}, |grad|inf = {np.abs(result.jac).max():.2e}")
