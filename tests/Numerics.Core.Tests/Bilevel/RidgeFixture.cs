using MathNet.Numerics.LinearAlgebra;
using Numerics.Bilevel;
using Numerics.Random;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>
/// A ridge problem with an interior optimal λ and its closed form, computed by dense Cholesky
/// solves independently of the solvers: x̂(θ) = (XᵀX + e^θ I)⁻¹Xᵀy, f(θ) = ½‖X_v x̂ − y_v‖² and
/// f′(θ) = −λ (X_vᵀ r)ᵀ(XᵀX + λI)⁻¹x̂.
/// </summary>
internal sealed class RidgeFixture
{
    public RidgeFixture(int rows = 30, int columns = 10, double noise = 1.0, ulong seed = 7)
    {
        var rng = new CounterRng(seed);
        long k = 0;
        double Next() => rng.Normal(k++);
        var w = Vector<double>.Build.Dense(columns, _ => 0.3 * Next());
        X = Matrix<double>.Build.Dense(rows, columns, (_, _) => Next());
        Xv = Matrix<double>.Build.Dense(rows, columns, (_, _) => Next());
        Y = X * w + Vector<double>.Build.Dense(rows, _ => noise * Next());
        Yv = Xv * w + Vector<double>.Build.Dense(rows, _ => noise * Next());
        Problem = new RidgeProblem(X, Y, Xv, Yv);
    }

    public Matrix<double> X { get; }
    public Matrix<double> Xv { get; }
    public Vector<double> Y { get; }
    public Vector<double> Yv { get; }
    public RidgeProblem Problem { get; }

    public Vector<double> Solution(double theta) =>
        (X.TransposeThisAndMultiply(X) + Math.Exp(theta) * Matrix<double>.Build.DenseIdentity(X.ColumnCount)).Cholesky().Solve(X.TransposeThisAndMultiply(Y));

    public double Loss(double theta)
    {
        var r = Xv * Solution(theta) - Yv;
        return 0.5 * (r * r);
    }

    public double Hypergradient(double theta)
    {
        double lambda = Math.Exp(theta);
        var a = X.TransposeThisAndMultiply(X) + lambda * Matrix<double>.Build.DenseIdentity(X.ColumnCount);
        var x = a.Cholesky().Solve(X.TransposeThisAndMultiply(Y));
        var gradient = Xv.TransposeThisAndMultiply(Xv * x - Yv);
        return -lambda * (gradient * a.Cholesky().Solve(x));
    }

    /// <summary>The optimal θ by bisection on the sign of the closed-form f′ over [lo, hi].</summary>
    public double OptimalTheta(double lo = -10, double hi = 10)
    {
        if (!(Hypergradient(lo) < 0 && Hypergradient(hi) > 0)) throw new InvalidOperationException("The fixture has no interior optimum in the bracket.");
        for (int i = 0; i < 200 && hi - lo > 1e-14; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Hypergradient(mid) < 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
