using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Transport;
using static Numerics.Core.Tests.Transport.TransportTestProblems;

namespace Numerics.Core.Tests.Transport;

/// <summary>
/// Every transport solver treats the marginals alike: it solves for a/Σa and b/Σb, measures its
/// errors against them, and reports Σa and Σb as passed.
/// </summary>
public class TransportMarginalTests
{
    /// <summary>
    /// Marginals whose totals are off 1 in opposite directions but within
    /// <see cref="TransportInput.MassTolerance"/>: 1 + 4e-7 and 1 − 3e-7, as float32-rounded weights can be.
    /// No plan meets both as passed (U(a, b) is empty when Σa ≠ Σb).
    /// </summary>
    private static (double[] A, double[] B, double[] Cost, double SumA, double SumB) Unbalanced(int m, int n, int seed)
    {
        var (a, b, cost) = Problem(m, n, seed);
        a = Array.ConvertAll(a, x => x * (1 + 4e-7));
        b = Array.ConvertAll(b, x => x * (1 - 3e-7));
        double sumA = 0, sumB = 0;
        foreach (double x in a) sumA += x;
        foreach (double x in b) sumB += x;
        return (a, b, cost, sumA, sumB);
    }

    private static double[] Normalised(double[] w, double sum) => Array.ConvertAll(w, x => x / sum);

    private static double L1(double[] x, double[] y) => x.Zip(y, (p, q) => Math.Abs(p - q)).Sum();

    [Fact]
    public void EverySolverSolvesForTheNormalisedMarginalsAndReportsTheInputTotals()
    {
        const int m = 9, n = 7;
        var (a, b, cost, sumA, sumB) = Unbalanced(m, n, 40);
        var an = Normalised(a, sumA);
        var bn = Normalised(b, sumB);
        var matrix = Matrix<double>.Build.Dense(m, n, cost);
        var expected = new InputMass(sumA, sumB);

        var exact = ExactTransport.Solve(a, b, cost, m, n);
        Assert.Equal(SolverStatus.Converged, exact.Status);
        Assert.Equal(expected, exact.InputMass);
        var exactPlan = exact.Plan.ToDense();
        Assert.True(L1(exactPlan.RowSums().ToArray(), an) <= 1e-14 && L1(exactPlan.ColumnSums().ToArray(), bn) <= 1e-14);

        // Sinkhorn's column error could not fall below the imbalance (≈ 7e-7) if it used a and b as passed.
        var sinkhorn = SinkhornTransport.Solve(a, b, cost, m, n, 0.1);
        Assert.Equal(SolverStatus.Converged, sinkhorn.Status);
        Assert.Equal(expected, sinkhorn.InputMass);
        double tolerance = SinkhornOptions.DefaultTolerance;
        Assert.True(Math.Sqrt(sinkhorn.Plan.RowSums().ToArray().Zip(an, (p, q) => (p - q) * (p - q)).Sum()) <= tolerance);
        Assert.True(Math.Sqrt(sinkhorn.Plan.ColumnSums().ToArray().Zip(bn, (p, q) => (p - q) * (p - q)).Sum()) <= tolerance);

        var sparse = QuadraticTransport.Solve(matrix, Vector<double>.Build.Dense(a), Vector<double>.Build.Dense(b), new SparseTransportOptions { Gamma = 0.2 });
        Assert.Equal(SolverStatus.Converged, sparse.Status);
        Assert.Equal(expected, sparse.InputMass);
        Assert.Equal(L1(sparse.Plan.RowSums(), an), sparse.RowMarginalError, 1e-15);
        Assert.Equal(L1(sparse.Plan.ColumnSums(), bn), sparse.ColumnMarginalError, 1e-15);
        Assert.True(sparse.MarginalError <= SparseTransportOptions.DefaultTolerance);
        // Against the caller's vectors the error is larger by the offset |Σa − 1| (= ‖a/Σa − a‖₁), no more.
        double raw = L1(sparse.Plan.RowSums(), a);
        Assert.True(raw <= sparse.RowMarginalError + sparse.InputMass.SourceOffset + 1e-15);
        Assert.True(raw >= sparse.InputMass.SourceOffset - sparse.RowMarginalError - 1e-15);

        var rebuilt = ExactPlanReconstruction.Reconstruct(exact.U, a, b, cost, m, n);
        Assert.Equal(expected, rebuilt.InputMass);
        Assert.Equal(SolverStatus.Converged, rebuilt.Status);
        Assert.Equal(exact.Cost, rebuilt.Cost, 1e-14);
    }

    [Fact]
    public void SolvingTheNormalisedInputGivesTheSamePlans()
    {
        // a/Σa normalised again is a/Σa to rounding, so each solver's plan for the raw input equals its
        // plan for the normalised one to a few ulps of its tolerance.
        const int m = 8, n = 10;
        var (a, b, cost, sumA, sumB) = Unbalanced(m, n, 41);
        var an = Normalised(a, sumA);
        var bn = Normalised(b, sumB);
        var raw = SinkhornTransport.Solve(a, b, cost, m, n, 0.2);
        var normal = SinkhornTransport.Solve(an, bn, cost, m, n, 0.2);
        Assert.True((raw.Plan - normal.Plan).Enumerate().Max(Math.Abs) <= 1e-13);
        var exactRaw = ExactTransport.Solve(a, b, cost, m, n);
        var exactNormal = ExactTransport.Solve(an, bn, cost, m, n);
        Assert.Equal(exactNormal.Cost, exactRaw.Cost, 1e-14);
        Assert.True(Math.Abs(exactNormal.InputMass.Source - 1) <= 1e-15);
    }
}
