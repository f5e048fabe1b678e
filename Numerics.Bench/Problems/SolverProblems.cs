using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Random;

namespace Numerics.Bench.Problems;

/// <summary>The built-in problems of the shared solvers' report section and benchmark suite.</summary>
internal static class SolverProblems
{
    /// <summary>
    /// A = GᵀG/n + 4e-3·I with G standard normal (seed 3) and a standard normal b (seed 4): a
    /// Marchenko–Pastur spectrum in [δ, 4 + δ], so κ ≈ 1e3.
    /// </summary>
    public static (Matrix<double> A, double[] B) DenseSpd(int n)
    {
        var g = new double[n * n];
        new CounterRng(3).FillNormal(g);
        var gm = Matrix<double>.Build.Dense(n, n, g);
        var a = Blas.Multiply(gm, gm, Transpose.Transpose) / n;
        for (int i = 0; i < n; i++) a[i, i] += 4e-3;
        var b = new double[n];
        new CounterRng(4).FillNormal(b);
        return (a, b);
    }

    /// <summary>The standard start (−1.2, 1, −1.2, 1, …) of extended Rosenbrock.</summary>
    public static double[] RosenbrockStart(int n)
    {
        var x0 = new double[n];
        for (int i = 0; i < n; i += 2) { x0[i] = -1.2; x0[i + 1] = 1.0; }
        return x0;
    }

    /// <summary>Extended Rosenbrock Σ 100(x₂ᵢ₊₁ − x₂ᵢ²)² + (1 − x₂ᵢ)² (n even), value and gradient in one pass.</summary>
    public sealed class ExtendedRosenbrock(int n) : IDifferentiableObjective<double[]>
    {
        public int Dimension => n;

        public double Evaluate(double[] x, double[] g)
        {
            double f = 0;
            for (int i = 0; i < n; i += 2)
            {
                double u = x[i + 1] - x[i] * x[i], v = 1 - x[i];
                f += 100 * u * u + v * v;
                g[i] = -400 * x[i] * u - 2 * v;
                g[i + 1] = 200 * u;
            }
            return f;
        }
    }
}
