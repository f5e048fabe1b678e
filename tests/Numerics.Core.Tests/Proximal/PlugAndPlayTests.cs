using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Proximal;
using static Numerics.Core.Tests.Proximal.LearnedProximalNetworkTests;

namespace Numerics.Core.Tests.Proximal;

public class PlugAndPlayTests
{
    private static readonly ProximalNetworkArchitecture Blocks = new() { InputDimension = 3, Width = 6, Layers = 2, Beta = 10, Alpha = 0.2 };

    /// <summary>The solvers' tolerance in these tests, relative to 1 + ‖x‖: tight, so that the stationarity checks below are sharp.</summary>
    private const double SolveTolerance = 1e-10;

    /// <summary>A 15×12 Gaussian matrix divided by its largest singular value (from the dense SVD), so ‖A‖₂ = 1.</summary>
    private static (DenseOperator Op, Matrix<double> A) Operator(ulong seed)
    {
        var values = Gaussian(15 * 12, seed);
        var a = Matrix<double>.Build.Dense(15, 12, values);
        a /= a.Svd(false).L2Norm;
        return (new DenseOperator(a.ToColumnMajorArray(), 15, 12, 15), a);
    }

    private static double[] Stationarity(LearnedProximalNetwork net, Matrix<double> a, double[] b, double[] x, double weight)
    {
        // ∇h(x) + weight·∇R(x) with ∇R(x) = f⁻¹(x) − x blockwise, the preimage from the independent inversion.
        var xv = Vector<double>.Build.DenseOfArray(x);
        var grad = a.TransposeThisAndMultiply(a * xv - Vector<double>.Build.DenseOfArray(b));
        var inversion = LearnedRegularizer.Evaluate(net, x, new RegularizerOptions { Tolerance = 1e-13 });
        return Enumerable.Range(0, x.Length).Select(i => grad[i] + weight * (inversion.Preimages[i] - x[i])).ToArray();
    }

    [Fact]
    public void DenoisingWithUnitStepReturnsTheProxOfTheMeasurements()
    {
        var net = new LearnedProximalNetwork(Blocks, 1);
        var identity = new DenseOperator(Matrix<double>.Build.DenseIdentity(12).ToColumnMajorArray(), 12, 12, 12);
        var b = Gaussian(12, 2, 2);
        var r = PlugAndPlay.ProximalGradient(net, identity, b, default, new PlugAndPlayOptions { Tolerance = SolveTolerance });
        var expected = new double[12];
        net.Prox(b, expected);
        // x₀ = Aᵀb = b, x₁ = f(x₀ − (x₀ − b)) = f(b) exactly, and x₂ = x₁ up to the rounding of
        // x₁ − (x₁ − b): converged after one step.
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(1, r.Iterations);
        Assert.Equal(expected, r.X);
    }

    [Fact]
    public void ProximalGradientReachesACriticalPointOfTheDataTermPlusTheLearnedRegulariser()
    {
        var net = new LearnedProximalNetwork(Blocks, 3);
        var (op, a) = Operator(4);
        var b = Gaussian(15, 5);
        const double eta = 0.9;
        var r = PlugAndPlay.ProximalGradient(net, op, b, default, new PlugAndPlayOptions { StepSize = eta, Tolerance = SolveTolerance, MaxIterations = 5000 });
        Assert.Equal(SolverStatus.Converged, r.Status);
        double norm = Math.Sqrt(r.X.Sum(v => v * v));
        // ‖∇h + ∇R/η‖ ≤ residual·(1 + ‖f⁻¹‖_Lip/η) with ‖f⁻¹‖_Lip ≤ 1/(2α), from the fixed point f⁻¹(x⁺) = x − η∇h(x).
        double bound = SolveTolerance * (1 + norm) * (1 + 1 / (2 * Blocks.Alpha * eta)) * 2;
        Assert.All(Stationarity(net, a, b, r.X, 1 / eta), g => Assert.True(Math.Abs(g) <= bound, $"{g} > {bound}"));
    }

    [Fact]
    public void AdmmReachesACriticalPointOfTheDataTermPlusRhoTimesTheLearnedRegulariser()
    {
        var net = new LearnedProximalNetwork(Blocks, 6);
        var (op, a) = Operator(7);
        var b = Gaussian(15, 8);
        const double rho = 1.5;
        var options = new PlugAndPlayOptions { Penalty = rho, Tolerance = SolveTolerance, MaxIterations = 5000, InnerTolerance = 1e-14, InnerMaxIterations = 200 };
        var r = PlugAndPlay.Admm(net, op, b, default, options);
        Assert.Equal(SolverStatus.Converged, r.Status);
        double norm = Math.Sqrt(r.X.Sum(v => v * v));
        // Aᵀ(Az − b) + ρ∇R(z) = AᵀA(z − x) − ρ(z − z_prev) up to the inner solve: ≤ (‖A‖² + 1)·residual.
        double bound = SolveTolerance * (1 + norm) * 2 * 4;
        Assert.All(Stationarity(net, a, b, r.X, rho), g => Assert.True(Math.Abs(g) <= bound, $"{g} > {bound}"));
    }

    [Theory]
    [InlineData(1e-14, 1, true)] // one CG step per x-update: slow, but every step moves x
    [InlineData(1e-3, 30, false)] // a loose inner tolerance: CG returns at once and x freezes
    public void AdmmWithAnInexactInnerSolveIsConvergedOnlyAtACriticalPoint(double innerTolerance, int innerIterations, bool mustConverge)
    {
        // On an operator with singular values from 1 down to 1e-2, ‖x − z‖ and ρ‖z − z_prev‖ can
        // fall to zero while the x-step's system is still unsolved (with a loose inner tolerance
        // x stops moving altogether). Converged must then wait for the recomputed inner residual:
        // whatever the status, Converged implies stationarity.
        var net = new LearnedProximalNetwork(Blocks, 12);
        var (_, a0) = Operator(13);
        var svd = a0.Svd(true);
        var sigma = Matrix<double>.Build.Dense(15, 12);
        for (int i = 0; i < 12; i++) sigma[i, i] = Math.Pow(1e-2, i / 11.0);
        var a = svd.U * sigma * svd.VT;
        var op = new DenseOperator(a.ToColumnMajorArray(), 15, 12, 15);
        var b = Gaussian(15, 14);
        const double rho = 0.05;
        var options = new PlugAndPlayOptions { Penalty = rho, Tolerance = SolveTolerance, MaxIterations = 20000, InnerTolerance = innerTolerance, InnerMaxIterations = innerIterations };
        var r = PlugAndPlay.Admm(net, op, b, default, options);
        if (mustConverge) Assert.Equal(SolverStatus.Converged, r.Status);
        if (r.Status != SolverStatus.Converged) return;
        double norm = Math.Sqrt(r.X.Sum(v => v * v));
        double bound = SolveTolerance * (1 + norm) * 2 * 4;
        Assert.All(Stationarity(net, a, b, r.X, rho), g => Assert.True(Math.Abs(g) <= bound, $"{g} > {bound} after {r.Iterations} iterations"));
    }

    [Fact]
    public void ADivergingProximalGradientRunIsABreakdownWithTheLastFiniteIterate()
    {
        // A = 3I and η = 10: the gradient step multiplies the error by 1 − 90 while f shrinks it by
        // no more than 2α = 0.4 far out, so the iterates grow ~36-fold per step until they overflow.
        var net = new LearnedProximalNetwork(Blocks, 15);
        var op = new DenseOperator(Matrix<double>.Build.DenseIdentity(12).Multiply(3).ToColumnMajorArray(), 12, 12, 12);
        var b = Gaussian(12, 16);
        var r = PlugAndPlay.ProximalGradient(net, op, b, default, new PlugAndPlayOptions { StepSize = 10, MaxIterations = 5000 });
        Assert.Equal(SolverStatus.Breakdown, r.Status);
        Assert.All(r.X, v => Assert.True(double.IsFinite(v)));
        Assert.True(r.Iterations < 5000);
    }

    [Fact]
    public void BadInputIsRejectedAndLimitsAreStatuses()
    {
        var net = new LearnedProximalNetwork(Blocks, 9);
        var (op, _) = Operator(10);
        var b = Gaussian(15, 11);
        Assert.Throws<ArgumentException>("b", () => PlugAndPlay.ProximalGradient(net, op, new double[14]));
        Assert.Throws<ArgumentException>("b", () => PlugAndPlay.Admm(net, op, b.Select((v, i) => i == 3 ? double.NaN : v).ToArray()));
        Assert.Throws<ArgumentException>("x0", () => PlugAndPlay.Admm(net, op, b, new double[11]));
        Assert.Throws<ArgumentException>("a", () => PlugAndPlay.Admm(new LearnedProximalNetwork(Blocks with { InputDimension = 5 }), op, b));
        Assert.Throws<ArgumentException>("options", () => PlugAndPlay.ProximalGradient(net, op, b, default, new PlugAndPlayOptions { StepSize = 0 }));
        Assert.Throws<ArgumentException>("options", () => PlugAndPlay.Admm(net, op, b, default, new PlugAndPlayOptions { Penalty = double.NaN }));
        var limited = PlugAndPlay.Admm(net, op, b, default, new PlugAndPlayOptions { MaxIterations = 2, Tolerance = 0 });
        Assert.Equal(SolverStatus.MaxIterations, limited.Status);
        Assert.Equal(2, limited.Iterations);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Equal(SolverStatus.Cancelled, PlugAndPlay.ProximalGradient(net, op, b, default, new PlugAndPlayOptions { CancellationToken = cts.Token, Tolerance = 0 }).Status);
    }
}
