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
        var backend = LinearAlgebraBackend.Current;
        var qr = (double[])problem.A.Clone();
        var pivots = new int[d];
        var tau = new double[d];
        backend.Geqp3(n, d, qr, n, pivots, tau);
        double cutoff = rcond * Math.Abs(qr[0]);
        int rank = 0;
        while (rank < d && Math.Abs(qr[rank + rank * n]) > cutoff) rank++;
        var c = (double[])problem.B.Clone();
        backend.Ormqr(Side.Left, Transpose.Transpose, n, 1, d, qr, n, tau, c, n);
        if (rank > 0) backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, rank, 1, 1.0, qr, n, c, n);
        var x = new double[d];
        for (int j = 0; j < rank; j++) x[pivots[j] - 1] = c[j];
        return Result(problem, n, d, x, LeastSquaresMethod.Qr, rank, rcond, null);
    }

    /// <summary>The minimum-norm solution by SVD with the cut rcond·σ_max(A), as <see cref="DenseBaselines.LeastSquaresSvd"/>.</summary>
    public static LeastSquaresResult Svd(ScaledLeastSquaresProblem problem, int n, int d, double rcond)
    {
        var (x, s, rank) = DenseBaselines.MinimumNormSolution(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, d, problem.A),
            MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(problem.B), rcond);
        return Result(problem, n, d, x.ToArray(), LeastSquaresMethod.Svd, rank, rcond, problem.UnscaleSingularValues(s.ToArray()));
    }

    private static LeastSquaresResult Result(ScaledLeastSquaresProblem problem, int n, int d, double[] x,
        LeastSquaresMethod method, int rank, double rcond, double[]? singularValues)
    {
        var (r, atr) = SketchedLeastSquares.Residuals(new DenseOperator(problem.A, n, d, n), problem.B, x);
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
