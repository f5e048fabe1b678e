using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Random;

namespace Numerics.Sketching;

/// <summary>The row structure (coherence) of a generated least-squares problem.</summary>
public enum Coherence
{
    /// <summary>U from the QR of a Gaussian matrix: leverage spread evenly (≈ d/n per row).</summary>
    Incoherent,

    /// <summary>U from the QR of [B 0; 0 I_{d/2}] + 10⁻⁸: half the column space lives on d/2 rows.</summary>
    SemiCoherent,

    /// <summary>U from the QR of [diag(1..d); 0] + 10⁻⁸: the column space lives on the first d rows.</summary>
    Coherent,
}

/// <summary>
/// A tall least-squares problem with a known answer: A = U·diag(σ)·Vᵀ, b = A·x* + r with
/// r ⊥ range(A), so x* = argmin ‖A·x − b‖, ‖r‖ and ‖A⁺‖ = 1/σ_min are exact up to rounding.
/// </summary>
/// <param name="A">The n×d matrix.</param>
/// <param name="B">The right-hand side.</param>
/// <param name="XStar">The exact solution.</param>
/// <param name="ResidualNorm">‖b − A·x*‖ (0 when b ∈ range(A)).</param>
/// <param name="SmallestSingularValue">The smallest nonzero singular value of A, so ‖A⁺‖ = 1/SmallestSingularValue.</param>
/// <param name="Rank">The rank of A.</param>
public sealed record LeastSquaresTestProblem(Matrix<double> A, MathNet.Numerics.LinearAlgebra.Vector<double> B,
    MathNet.Numerics.LinearAlgebra.Vector<double> XStar, double ResidualNorm, double SmallestSingularValue, int Rank)
{
    /// <summary>Generates a problem.</summary>
    /// <param name="rows">n ≥ columns.</param>
    /// <param name="columns">d ≥ 1.</param>
    /// <param name="coherence">Row structure of U.</param>
    /// <param name="condition">κ(A) ≥ 1: singular values log-spaced from 1 down to 1/κ.</param>
    /// <param name="residualNorm">‖r‖ ≥ 0 (0 puts b in range(A)).</param>
    /// <param name="seed">Generator seed.</param>
    /// <param name="rank">Rank ≤ d: the trailing d − rank singular values are exactly zero (x* is then the minimum-norm solution).</param>
    /// <param name="canonicalV">V = I (the tight case for ℓ∞ errors) instead of a random orthogonal V.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public static LeastSquaresTestProblem Generate(int rows, int columns, Coherence coherence = Coherence.Incoherent,
        double condition = 1e4, double residualNorm = 1.0, ulong seed = 0, int? rank = null, bool canonicalV = false)
    {
        if (columns < 1) throw new ArgumentException($"columns must be at least 1, got {columns}.", nameof(columns));
        if (rows < columns) throw new ArgumentException($"rows ({rows}) must be at least columns ({columns}).", nameof(rows));
        if (!(condition >= 1) || !double.IsFinite(condition)) throw new ArgumentException($"condition must be ≥ 1, got {condition}.", nameof(condition));
        if (!(residualNorm >= 0) || !double.IsFinite(residualNorm)) throw new ArgumentException($"residualNorm must be ≥ 0, got {residualNorm}.", nameof(residualNorm));
        int r = rank ?? columns;
        if (r < 1 || r > columns) throw new ArgumentException($"rank must lie in 1..{columns}, got {r}.", nameof(rank));
        if (residualNorm > 0 && rows == columns) throw new ArgumentException("A square A has no residual space; use residualNorm = 0.", nameof(residualNorm));

        int n = rows, d = columns;
        var basis = Gaussian(n, d + 1, seed, 1);
        if (coherence != Coherence.Incoherent)
        {
            // Blendenpik's coherent test matrices: structure plus 1e-8 everywhere.
            var structured = Matrix<double>.Build.Dense(n, d + 1, 1e-8);
            int half = coherence == Coherence.SemiCoherent ? d / 2 : 0;
            for (int j = 0; j < d - half; j++)
                for (int i = 0; i < n - half; i++)
                    structured[i, j] += coherence == Coherence.SemiCoherent ? basis[i, j] : (i == j ? j + 1.0 : 0.0);
            for (int k = 0; k < half; k++) structured[n - half + k, d - half + k] += 1.0;
            // The extra column spans the residual direction; keep it generic.
            for (int i = 0; i < n; i++) structured[i, d] = basis[i, d];
            basis = structured;
        }
        var q = Lapack.Qr(basis).Q;                         // n×(d+1), orthonormal
        var u = q.SubMatrix(0, n, 0, d);
        var sigma = new double[d];
        for (int k = 0; k < d; k++) sigma[k] = k < r ? (r == 1 ? 1.0 : Math.Pow(condition, -(double)k / (r - 1))) : 0.0;
        var v = canonicalV ? Matrix<double>.Build.DenseIdentity(d) : Lapack.Qr(Gaussian(d, d, seed, 2)).Q;
        var a = Blas.Multiply(u * Matrix<double>.Build.DenseOfDiagonalArray(sigma), v, Transpose.NoTranspose, Transpose.Transpose);

        var rng = new CounterRng(seed, 3);
        var xStar = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(d, i => rng.Normal(i));
        if (r < d)
        {
            // The minimum-norm solution lies in span(v₁..v_r).
            var vr = v.SubMatrix(0, d, 0, r);
            xStar = vr * (vr.TransposeThisAndMultiply(xStar));
        }
        var b = a * xStar;
        if (residualNorm > 0)
        {
            // Column d of Q is orthogonal to range(U) = range(A); scale it to ‖r‖.
            var resid = q.Column(d) * residualNorm;
            b += resid;
        }
        return new LeastSquaresTestProblem(a, b, xStar, residualNorm, sigma[r - 1], r);
    }

    private static Matrix<double> Gaussian(int rows, int cols, ulong seed, ulong stream)
    {
        var values = new double[(long)rows * cols];
        new CounterRng(seed, stream).FillNormal(values);
        return Matrix<double>.Build.Dense(rows, cols, values);
    }
}
