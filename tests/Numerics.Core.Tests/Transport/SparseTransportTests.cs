using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Testing;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class SparseTransportTests
{
    /// <summary>
    /// Gradient tolerance of the semi-dual solves that are compared with an independent plan: 1e-12
    /// on marginals of order 0.2. The semi-dual of these small problems reaches it (measured: 2.5e-16
    /// on the 5×6 problem); the dual, with twice the variables, stalls at f's rounding level near 1e-10
    /// and is held to the default 1e-9.
    /// </summary>
    private const double TightTolerance = 1e-12;

    /// <summary>
    /// Plans against an independent plan (Dykstra's projection, or the same problem rescaled): a
    /// plan whose marginals are off by r ≤ 1e-9 is, as the projection of −C/γ + potentials onto a
    /// polytope, about r away from the optimum; 1e-8 absolute is a factor 10 above that and far below
    /// the entries (≈ 0.05). Dykstra's 5000 sweeps on a 5×6 problem converge to ≈ 1e-12.
    /// </summary>
    private const double PlanAgreement = 1e-8;

    /// <summary>
    /// Optimal values of two solves that each meet a total marginal tolerance of 1e-9 (set explicitly:
    /// the default is 1e-6): the dual's value is Lipschitz in the potentials with constant ‖∇‖₁, so its
    /// error is about 1e-9·‖α − α*‖∞ ≈ 1e-9; measured 5e-17 between the formulations.
    /// </summary>
    private const double ValueAgreement = 1e-9;

    /// <summary>
    /// Total marginal tolerance of the dual solves compared with 1e-9-accurate semi-dual ones: 1e-8,
    /// which every dual solve here reaches (the dual has m + n variables and converges more slowly).
    /// </summary>
    private const double DualTolerance = 1e-8;

    /// <summary>The default tolerance of the solves that do not set one.</summary>
    private const double DefaultTolerance = SparseTransportOptions.DefaultTolerance;

    [Theory]
    [InlineData(TransportFormulation.SemiDual)]
    [InlineData(TransportFormulation.Dual)]
    public void QuadraticPlanIsTheProjectionOfMinusCOverGammaOntoTheMarginals(TransportFormulation formulation)
    {
        var (c, a, b) = TransportReference.RandomProblem(5, 6, 21);
        const double gamma = 0.5;
        double tolerance = formulation == TransportFormulation.SemiDual ? TightTolerance : DualTolerance;
        var options = new SparseTransportOptions { Gamma = gamma, Formulation = formulation, Tolerance = tolerance };
        var result = QuadraticTransport.Solve(c, a, b, options);
        Assert.Equal(SolverStatus.Converged, result.Status);
        var expected = TransportReference.QuadraticPlanByDykstra(c, a.ToArray(), b.ToArray(), gamma, 5000);
        var plan = result.Plan.ToDense();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 6; j++) Assert.Equal(expected[i, j], plan[i, j], PlanAgreement);
        // By Fenchel's equality per column, the estimate is Σ xᵢ·∇ᵢf over the potentials: at most ‖x‖∞ times the marginal error.
        double potentials = Math.Max(result.Alpha.InfinityNorm(), result.Beta?.InfinityNorm() ?? 0);
        Assert.True(Math.Abs(result.GapEstimate) <= potentials * result.MarginalError + Tolerances.Reduction);
        // Converged means the total marginal error of the returned plan, recomputed here, is within the
        // tolerance (up to the order of summation: 1e-15 on ≤ 11 terms of size ≤ 1e-8).
        Assert.True((plan.RowSums() - a).L1Norm() + (plan.ColumnSums() - b).L1Norm() <= tolerance + 1e-15);
    }

    [Fact]
    public void DualAndSemiDualReachTheSameOptimum()
    {
        var (c, a, b) = TransportReference.RandomProblem(8, 7, 4);
        foreach (int k in new[] { 3, 8 })
        {
            var semi = SparseTransport.Solve(c, a, b, k, new SparseTransportOptions { Gamma = 0.5, Tolerance = 1e-9 });
            var dual = SparseTransport.Solve(c, a, b, k, new SparseTransportOptions { Gamma = 0.5, Formulation = TransportFormulation.Dual, Tolerance = DualTolerance });
            Assert.Equal(SolverStatus.Converged, semi.Status);
            Assert.Equal(SolverStatus.Converged, dual.Status);
            Assert.Equal(semi.DualValue, dual.DualValue, ValueAgreement);
            Assert.NotNull(dual.Beta);
            Assert.Null(semi.Beta);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PlansHaveAtMostKNonZerosPerColumnAndSemiDualColumnsCarryB(int k)
    {
        var (c, a, b) = TransportReference.RandomProblem(30, 25, 8 + k);
        foreach (var formulation in new[] { TransportFormulation.SemiDual, TransportFormulation.Dual })
        {
            var result = SparseTransport.Solve(c, a, b, k, new SparseTransportOptions { Gamma = 0.1, Formulation = formulation });
            Assert.True(result.MaxNonZerosPerColumn <= k);
            for (int j = 0; j < 25; j++) Assert.True(result.Plan.NonZerosInColumn(j) <= k);
            Assert.Equal(result.Status == SolverStatus.Converged, result.MarginalError <= SparseTransportOptions.DefaultTolerance);
            Assert.Equal(result.Cost + 0.05 * result.Plan.SquaredNorm(), result.RegularizedCost, Tolerances.Reduction);
            Assert.Equal(result.RegularizedCost - result.DualValue, result.GapEstimate);
            if (formulation == TransportFormulation.SemiDual)
            {
                var columns = result.Plan.ColumnSums();
                for (int j = 0; j < 25; j++) Assert.Equal(b[j], columns[j], Tolerances.Reduction);
            }
        }
    }

    [Fact]
    public void KOneIsBoundedByTheExactCostAndReportsItsStatusHonestly()
    {
        // Uniform weights on a square problem: the exact optimum is a permutation (Birkhoff), found by enumeration.
        const int n = 6;
        const double gamma = 1;
        var rng = new System.Random(17);
        var c = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextDouble());
        var w = Vector<double>.Build.Dense(n, 1.0 / n);
        double exact = Permutations(n).Min(p => p.Select((j, i) => c[i, j]).Sum()) / n;
        var result = SparseTransport.Solve(c, w, w, 1, new SparseTransportOptions { Gamma = gamma });
        // S_1 = unregularised semi-dual + (γ/2)‖b‖², so weak duality bounds it by exact + (γ/2)‖b‖².
        Assert.True(result.DualValue <= exact + 0.5 * gamma / n + 1e-12);
        Assert.Equal(1, result.MaxNonZerosPerColumn);
        Assert.Equal(result.Status == SolverStatus.Converged, result.MarginalError <= SparseTransportOptions.DefaultTolerance);
        // The exact solver, the family's ground truth at k = 1, agrees with the enumeration.
        Assert.Equal(exact, ExactTransport.Solve(w.ToArray(), w.ToArray(), c).Cost, 1e-12);
        // A converged k = 1 solve has T·1 = a within the tolerance, so (the semi-dual being piecewise
        // linear plus a constant) α is optimal to that accuracy: S₁ reaches exact + (γ/2)‖b‖² up to
        // ‖∇‖∞·‖α‖₁-sized terms, far below 1e-6 here.
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.True(result.DualValue >= exact + 0.5 * gamma / n - 1e-6, $"{result.DualValue} vs {exact + 0.5 * gamma / n}");
    }

    [Fact]
    public void OptimalValuesDoNotIncreaseWithK()
    {
        var (c, a, b) = TransportReference.RandomProblem(8, 8, 12);
        double previous = double.PositiveInfinity;
        for (int k = 3; k <= 8; k++)
        {
            var result = SparseTransport.Solve(c, a, b, k, new SparseTransportOptions { Gamma = 0.5, Tolerance = 1e-9 });
            Assert.Equal(SolverStatus.Converged, result.Status);
            Assert.True(result.DualValue <= previous + ValueAgreement, $"S*_{k} = {result.DualValue} > S*_{k - 1} = {previous}");
            previous = result.DualValue;
        }
    }

    [Fact]
    public void SameBitsWithOneAndManyThreads()
    {
        var (c, a, b) = TransportReference.RandomProblem(120, 100, 5);
        SparseTransportResult Run(int threads)
        {
            using var scope = LinearAlgebraBackend.Current.UseThreads(threads);
            return SparseTransport.Solve(c, a, b, 2, new SparseTransportOptions { Gamma = 0.2, MaxIterations = 60 });
        }
        var one = Run(1);
        var many = Run(6);
        Assert.Equal(one.Alpha.ToArray(), many.Alpha.ToArray());
        Assert.Equal(one.Plan.Values.ToArray(), many.Plan.Values.ToArray());
        Assert.Equal(one.Iterations, many.Iterations);
        Assert.Equal(BitConverter.DoubleToInt64Bits(one.DualValue), BitConverter.DoubleToInt64Bits(many.DualValue));
    }

    [Fact]
    public void WarmStartAtTheSolutionTakesNoStep()
    {
        var (c, a, b) = TransportReference.RandomProblem(8, 7, 4);
        var options = new SparseTransportOptions { Gamma = 0.5, Formulation = TransportFormulation.Dual, Tolerance = DualTolerance };
        var cold = SparseTransport.Solve(c, a, b, 4, options);
        Assert.Equal(SolverStatus.Converged, cold.Status);
        var warm = SparseTransport.Solve(c, a, b, 4, options with { InitialAlpha = cold.Alpha, InitialBeta = cold.Beta });
        Assert.Equal(SolverStatus.Converged, warm.Status);
        Assert.Equal(0, warm.Iterations);
        Assert.Equal(cold.Plan.Values.ToArray(), warm.Plan.Values.ToArray());
    }

    [Fact]
    public void EmptyRowsAndColumnsGetNoMass()
    {
        var (c, a, b) = TransportReference.RandomProblem(6, 5, 3);
        var a0 = a.Clone();
        a0[2] = 0;
        a0 /= a0.Sum();
        var b0 = b.Clone();
        b0[4] = 0;
        b0 /= b0.Sum();
        var result = QuadraticTransport.Solve(c, a0, b0, new SparseTransportOptions { Gamma = 0.5 });
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(0, result.Plan.NonZerosInColumn(4));
        Assert.True(result.Plan.RowSums()[2] <= DefaultTolerance);
    }

    [Fact]
    public void ScalingCostAndGammaTogetherLeavesThePlan()
    {
        // T(s·C, s·γ) = T(C, γ) and α scales by s: checked at s = 1e150 and 1e-150.
        var (c, a, b) = TransportReference.RandomProblem(7, 6, 30);
        // PlanAgreement holds for plans whose marginals are within 1e-9; the default tolerance is looser.
        var reference = QuadraticTransport.Solve(c, a, b, new SparseTransportOptions { Gamma = 0.3, Tolerance = 1e-9 }).Plan.ToDense();
        foreach (double s in new[] { 1e150, 1e-150 })
        {
            var result = QuadraticTransport.Solve(c * s, a, b, new SparseTransportOptions { Gamma = 0.3 * s, Tolerance = 1e-9 });
            Assert.Equal(SolverStatus.Converged, result.Status);
            var plan = result.Plan.ToDense();
            for (int i = 0; i < 7; i++)
                for (int j = 0; j < 6; j++) Assert.Equal(reference[i, j], plan[i, j], PlanAgreement);
        }
    }

    [Fact]
    public void CancellationAndProgress()
    {
        var (c, a, b) = TransportReference.RandomProblem(20, 20, 6);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = SparseTransport.Solve(c, a, b, 2, new SparseTransportOptions { CancellationToken = cts.Token });
        Assert.Equal(SolverStatus.Cancelled, cancelled.Status);
        var records = new List<IterationProgress>();
        var result = SparseTransport.Solve(c, a, b, 3, new SparseTransportOptions { Progress = new SynchronousProgress<IterationProgress>(records.Add), MaxIterations = 15 });
        Assert.Equal(result.Iterations, records.Count);
    }

    [Theory]
    [InlineData(1e-15)]
    [InlineData(1e-17)]
    [InlineData(1e-300)]
    public void TiedRowsShareTheMassWhenTheBandIsBelowRounding(double gamma)
    {
        // Two sources at the same cost: the projection of equal values onto the simplex splits the
        // column's mass equally, whatever γ, so T = a exactly and α = 0 is optimal. With γ·b under
        // half an ulp of the column maximum, max − γ·b rounds back to the maximum; the tie must survive.
        var c = Matrix<double>.Build.Dense(2, 1, 1.0);
        var a = Vector<double>.Build.Dense([0.5, 0.5]);
        var b = Vector<double>.Build.Dense([1.0]);
        var result = QuadraticTransport.Solve(c, a, b, new SparseTransportOptions { Gamma = gamma });
        Assert.Equal([0.5, 0.5], result.Plan.ToDense().Column(0).ToArray());
        Assert.Equal(0.0, result.RowMarginalError);
        Assert.Equal(SolverStatus.Converged, result.Status);
    }

    [Fact]
    public void RejectsBadInputNamingTheParameter()
    {
        var (c, a, b) = TransportReference.RandomProblem(4, 3, 1);
        var aCopy = a.ToArray();
        string Name(Action act) => Assert.ThrowsAny<ArgumentException>(act).ParamName!;
        var nan = c.Clone();
        nan[1, 1] = double.NaN;
        Assert.Equal("cost", Name(() => SparseTransport.Solve(nan, a, b, 1)));
        var inf = c.Clone();
        inf[0, 2] = double.NegativeInfinity;
        Assert.Equal("cost", Name(() => SparseTransport.Solve(inf, a, b, 1)));
        Assert.Equal("cost", Name(() => SparseTransport.Solve(Matrix<double>.Build.Dense(0, 3), a, b, 1)));
        Assert.Equal("a", Name(() => SparseTransport.Solve(c, b, b, 1)));
        Assert.Equal("b", Name(() => SparseTransport.Solve(c, a, a, 1)));
        var negative = a.Clone();
        negative[0] = -negative[0];
        Assert.Equal("a", Name(() => SparseTransport.Solve(c, negative, b, 1)));
        Assert.Equal("b", Name(() => SparseTransport.Solve(c, a, b * 1.01, 1)));
        Assert.Equal("k", Name(() => SparseTransport.Solve(c, a, b, 0)));
        Assert.Equal("options", Name(() => SparseTransport.Solve(c, a, b, 1, new SparseTransportOptions { Gamma = 0 })));
        Assert.Equal("options", Name(() => SparseTransport.Solve(c, a, b, 1, new SparseTransportOptions { Gamma = double.PositiveInfinity })));
        // The dual at zero potentials is (1/2γ)Σ[−cᵢⱼ]₊²: it overflows for costs of −1e200 at γ = 1.
        var huge = Matrix<double>.Build.Dense(2, 2, [-1e200, 0, 0, -1e200]);
        var half = Vector<double>.Build.Dense([0.5, 0.5]);
        Assert.Equal("cost", Name(() => SparseTransport.Solve(huge, half, half, 2, new SparseTransportOptions { Formulation = TransportFormulation.Dual })));
        Assert.Equal(SolverStatus.Converged, SparseTransport.Solve(huge, half, half, 2).Status);
        // 1/γ overflows below 1/double.MaxValue: the projection's scale would be infinite.
        Assert.Equal("options", Name(() => SparseTransport.Solve(c, a, b, 1, new SparseTransportOptions { Gamma = 1e-310 })));
        Assert.Equal("options", Name(() => SparseTransport.Solve(c, a, b, 1, new SparseTransportOptions { InitialAlpha = Vector<double>.Build.Dense(3) })));
        Assert.Equal("options", Name(() => SparseTransport.Solve(c, a, b, 1, new SparseTransportOptions { InitialAlpha = Vector<double>.Build.Dense(4, double.NaN) })));
        Assert.Equal("options", Name(() => SparseTransport.Solve(c, a, b, 1, new SparseTransportOptions { InitialBeta = Vector<double>.Build.Dense(3) })));
        Assert.Equal(aCopy, a.ToArray());
        // Within the documented tolerance the weights are accepted and normalised, the caller's untouched.
        var nearly = a * (1 + 0.5 * TransportInput.MassTolerance);
        var kept = nearly.ToArray();
        var problem = TransportProblem.Create(c, nearly, b);
        Assert.Equal(1.0, problem.SourceWeights.ToArray().Sum(), Tolerances.Reduction);
        Assert.Equal(kept, nearly.ToArray());
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0) { yield return []; yield break; }
        foreach (var p in Permutations(n - 1))
            for (int pos = 0; pos <= p.Length; pos++)
                yield return [.. p[..pos], n - 1, .. p[pos..]];
    }
}
