using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>The dense baselines of <see cref="SketchedLeastSquares"/>: column-pivoted QR and SVD, on the scaled problem.</summary>
internal static class DenseLeastSquares
{
    /// <summary>
    /// A·P = Q·R by geqp3; the rank is the number of |rᵢᵢ| above rcond·|r₁₁| (|r₁₁| is the largest
    /// column norm, within √d of σ_max(A)); x is the basic solution P·[R₁₁⁻¹·(Qᵀb)₁; 0].
    /// </summary>
    public static LeastSquaresResult Qr(ScaledLeastSquaresProblem problem, int n, int d, double rcond)
    {
        var qr = PivotedQr.Factor(problem.A, n, d, rcond);
        return Result(problem, n, d, qr.Solve(problem.B), LeastSquaresMethod.Qr, qr.Rank, rcond, null);
    }

    /// <summary>A result for x computed by the dense QR of <paramref name="problem"/>: residuals recomputed, status Converged.</summary>
    public static LeastSquaresResult QrResult(ScaledLeastSquaresProblem problem, int n, int d, PivotedQr qr, double rcond) =>
        Result(problem, n, d, qr.Solve(problem.B), LeastSquaresMethod.Qr, qr.Rank, rcond, null);

    /// <summary>
    /// The minimum-norm solution by SVD with the cut rcond·σ_max(A), as <see cref="DenseBaselines.LeastSquaresSvd"/>;
    /// with <paramref name="damp"/> = λ &gt; 0 the ridge solution V·diag(σᵢ/(σᵢ² + λ²))·Uᵀb over the kept σᵢ,
    /// from A's own SVD (an SVD of the stacked [A; λI] would perturb A by u·λ, which swamps A when λ ≫ σ).
    /// </summary>
    public static LeastSquaresResult Svd(ScaledLeastSquaresProblem problem, int n, int d, double rcond, double damp = 0)
    {
        var (x, s, rank) = DenseBaselines.MinimumNormSolution(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, d, problem.A),
            MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(problem.B), rcond, damp);
        return Result(problem, n, d, x.ToArray(), LeastSquaresMethod.Svd, rank, rcond, problem.UnscaleSingularValues(s.ToArray()), damp);
    }

    private static LeastSquaresResult Result(ScaledLeastSquaresProblem problem, int n, int d, double[] x,
        LeastSquaresMethod method, int rank, double rcond, double[]? singularValues, double damp = 0)
    {
        // Residuals of the damped problem are those of [A; λI] and [b; 0].
        ILinearOperator op = new DenseOperator(problem.A, n, d, n);
        var b = problem.B;
        if (damp > 0)
        {
            op = new DampedOperator(op, damp);
            b = new double[n + d];
            problem.B.CopyTo(b, 0);
        }
        var (r, atr) = SketchedLeastSquares.Residuals(op, b, x);
        return new LeastSquaresResult
        {
            X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(problem.UnscaleSolution(x)),
            Method = method, Rank = rank, RankDeficient = rank < d, Rcond = rcond, SingularValues = singularValues,
            Status = SolverStatus.Converged,
            ResidualNorm = problem.UnscaleResidual(GolubKahan.Norm(r)),
            NormalResidualNorm = problem.UnscaleNormalResidual(GolubKahan.Norm(atr)),
        };
    }
}

/// <summary>A column-pivoted QR of A (geqp3) and its rank, reusable for any number of right-hand sides.</summary>
internal sealed class PivotedQr
{
    private readonly double[] _qr, _tau;
    private readonly int[] _pivots;
    private readonly int _n, _d;

    private PivotedQr(double[] qr, double[] tau, int[] pivots, int n, int d, int rank) =>
        (_qr, _tau, _pivots, _n, _d, Rank) = (qr, tau, pivots, n, d, rank);

    /// <summary>The number of |rᵢᵢ| above rcond·|r₁₁|.</summary>
    public int Rank { get; }

    /// <summary>Factors the column-major n×d <paramref name="a"/> (not modified).</summary>
    public static PivotedQr Factor(double[] a, int n, int d, double rcond)
    {
        var qr = (double[])a.Clone();
        var pivots = new int[d];
        var tau = new double[d];
        LinearAlgebraBackend.Current.Geqp3(n, d, qr, n, pivots, tau);
        double cutoff = rcond * Math.Abs(qr[0]);
        int rank = 0;
        while (rank < d && Math.Abs(qr[rank + rank * n]) > cutoff) rank++;
        return new PivotedQr(qr, tau, pivots, n, d, rank);
    }

    /// <summary>The basic solution P·[R₁₁⁻¹·(Qᵀb)₁; 0] for <paramref name="b"/> (length n, not modified).</summary>
    public double[] Solve(double[] b)
    {
        var backend = LinearAlgebraBackend.Current;
        var c = (double[])b.Clone();
        backend.Ormqr(Side.Left, Transpose.Transpose, _n, 1, _d, _qr, _n, _tau, c, _n);
        if (Rank > 0) backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, Rank, 1, 1.0, _qr, _n, c, _n);
        var x = new double[_d];
        for (int j = 0; j < Rank; j++) x[_pivots[j] - 1] = c[j];
        return x;
    }
}
