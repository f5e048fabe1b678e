using Numerics.Optimization;

namespace Numerics.Core.Tests.Optimization;

/// <summary>
/// The two general options the transport solvers use: the norm of the stopping test
/// (<see cref="LbfgsOptions.GradientNorm"/>) and the approximate-Wolfe band of the line search
/// (<see cref="StrongWolfeLineSearch.FlatTolerance"/>).
/// </summary>
public class LbfgsGradientNormAndFlatBandTests
{
    /// <summary>f = ½Σ dᵢ(xᵢ − 1)²·scale + offset + noise(x) on host arrays, with dᵢ = 1 + i and an exact gradient.</summary>
    private sealed class Quadratic(int n, double scale, double offset, double noise) : IDifferentiableObjective<double[]>
    {
        public int Dimension => n;

        public double Evaluate(double[] x, double[] gradient)
        {
            double f = 0;
            for (int i = 0; i < n; i++)
            {
                double d = (1 + i) * scale;
                f += 0.5 * d * (x[i] - 1) * (x[i] - 1);
                gradient[i] = d * (x[i] - 1);
            }
            // Deterministic rounding-level noise: what a long sum's rounding does to f near a minimum.
            return offset + f + noise * Math.Sin(1e9 * x[0] + 3e8 * x[n - 1]);
        }
    }

    [Theory]
    [InlineData(VectorNorm.One)]
    [InlineData(VectorNorm.Two)]
    [InlineData(VectorNorm.Infinity)]
    public void StopsOnTheRequestedNormOfTheGradient(VectorNorm norm)
    {
        var f = new Quadratic(50, 1, 0, 0);
        const double Tolerance = 1e-6;
        var r = Lbfgs.Minimize(f, new double[50], new LbfgsOptions { Tolerance = Tolerance, GradientNorm = norm });
        Assert.Equal(SolverStatus.Converged, r.Status);
        var g = new double[50];
        f.Evaluate(r.X, g);
        double expected = norm switch
        {
            VectorNorm.One => g.Sum(Math.Abs),
            VectorNorm.Two => Math.Sqrt(g.Sum(v => v * v)),
            _ => g.Max(Math.Abs),
        };
        Assert.Equal(expected, r.Residual, 1e-15);
        Assert.True(r.Residual <= Tolerance);
    }

    [Fact]
    public void RejectsAnUndefinedNorm()
    {
        var options = new LbfgsOptions { GradientNorm = (VectorNorm)7 };
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => Lbfgs.Minimize(new Quadratic(2, 1, 0, 0), new double[2], options)).ParamName);
        Assert.Equal("flatTolerance", Assert.Throws<ArgumentException>(() => new StrongWolfeLineSearch(flatTolerance: -1)).ParamName);
        Assert.Equal("flatTolerance", Assert.Throws<ArgumentException>(() => new StrongWolfeLineSearch(flatTolerance: double.NaN)).ParamName);
    }

    [Fact]
    public void TheFlatBandCarriesTheSolveBelowTheResolutionOfF()
    {
        // f = 1 + ½Σdᵢ(xᵢ − 1)²·1e-12 + 4e-16·noise: from x = 0 the quadratic part starts near 1e-10 and
        // its decrease per step soon falls below the noise, so value comparisons decide nothing. The
        // exact strong-Wolfe search then fails; with the band, slopes (exact here) decide and the
        // solve reaches a gradient 1e6 times below where the values give out.
        const int n = 20;
        var f = new Quadratic(n, 1e-12, 1, 4e-16);
        const double Tolerance = 1e-22;
        var exact = Lbfgs.Minimize(f, new double[n], new LbfgsOptions { Tolerance = Tolerance, MaxIterations = 500 });
        Assert.NotEqual(SolverStatus.Converged, exact.Status);
        Assert.True(exact.Residual > Tolerance);

        var flat = Lbfgs.Minimize(f, new double[n], new LbfgsOptions
        {
            Tolerance = Tolerance,
            MaxIterations = 500,
            LineSearch = new StrongWolfeLineSearch(flatTolerance: 1e-10),
            StallWindow = int.MaxValue,
        });
        Assert.Equal(SolverStatus.Converged, flat.Status);
        // |xᵢ − 1| = |gᵢ|/(dᵢ·1e-12) ≤ 1e-22/1e-12: the minimiser to 1e-10, recomputed from x itself.
        Assert.All(flat.X, x => Assert.True(Math.Abs(x - 1) <= 1e-10, $"x = {x}"));
    }
}
