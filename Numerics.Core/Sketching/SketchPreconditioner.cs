using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>
/// What the m×d sketch S·A yields after one triangular factorization S·A = Q·R: a right
/// preconditioner N with A·N well conditioned, and for any sketched right-hand side S·b the
/// sketch-and-solve answer x′ = N·z₀. N = R⁻¹ when the sketch has full rank; otherwise
/// N = V_r·Σ_r⁻¹ from the SVD of R (LSRN style), which also makes the answers minimum-norm.
/// </summary>
/// <remarks>
/// The factorization runs at GEMM speed: Cholesky-QR (a syrk of the sketch and a potrf) while the
/// estimated κ(R) is at most 1e7, with each sketch-and-solve answer corrected by up to four steps
/// of the seminormal equations on the sketched problem (m·d flops each, until a step no longer
/// halves the correction) above κ 1e2; Householder QR with the singular values of R beyond 1e7 or
/// when potrf fails. The rank test needs the singular values only on the Householder path: below
/// κ ≈ 1e7 the sketch is far from the rank cutoff max(n, d)·u ≈ 1e-11 (κ is estimated by power and
/// inverse iteration on RᵀR, O(d²) per step). The object is read-only after <see cref="Factor"/>:
/// its methods may run concurrently.
/// </remarks>
internal sealed class SketchPreconditioner
{
    private readonly int _d;
    private readonly int _m;
    private readonly double[] _r;       // full rank: R (d×d, upper, ld d)
    private readonly double[]? _n;      // rank-deficient: N = V_r Σ_r⁻¹ (d×rank, ld d)
    private readonly double[] _sa;      // Cholesky: S·A (m×d), for c = R⁻ᵀ(S·A)ᵀS·b and the corrections
    private readonly double[]? _qr;     // Householder: the reflectors of S·A (m×d) and their scalars
    private readonly double[]? _tau;
    private readonly double[]? _u;      // rank-deficient: U_r of R = U·Σ·Vᵀ (d×rank)
    private readonly int _corrections;  // Cholesky: the corrected-seminormal steps allowed

    private SketchPreconditioner(int m, int d, int rank, double[] r, double[]? n, double[] sa, double[]? qr, double[]? tau, double[]? u, int corrections)
    {
        _m = m;
        _d = d;
        Rank = rank;
        _r = r;
        _n = n;
        _sa = sa;
        _qr = qr;
        _tau = tau;
        _u = u;
        _corrections = corrections;
    }

    /// <summary>The numerical rank of the sketch; N has this many columns.</summary>
    public int Rank { get; }

    /// <summary>The singular values of R (= those of S·A), descending; null when the factorization did not need them and they were not asked for.</summary>
    public double[]? SingularValues { get; private init; }

    /// <summary>The sketch's null space (d×(d − rank), orthonormal columns) when the rank is below d; null otherwise.</summary>
    public double[]? NullSpace { get; private init; }

    /// <summary>How R was computed.</summary>
    public string Factorization { get; private init; } = "";

    /// <summary>σ_max(R): exact when <see cref="SingularValues"/> is known, else a power-iteration estimate (from below, within a few per cent).</summary>
    public double SigmaMax { get; private init; }

    /// <summary>The right singular vector of R for <see cref="SigmaMax"/> (power-iteration estimate, unit length): ‖A·v‖ is a lower bound on ‖A‖₂ close to it.</summary>
    public double[] TopVector { get; private init; } = [];

    /// <summary>‖R‖_F, exact (≥ σ_max).</summary>
    public double Frobenius { get; private init; }

    /// <summary>
    /// Factors the sketch and decides the rank: the number of σᵢ(R) above
    /// <paramref name="rcond"/>·σ_max(R). Only a rank-deficient sketch pays for the singular vectors.
    /// </summary>
    /// <param name="sa">S·A, m×d column-major (kept, not modified: the caller must not modify it either).</param>
    /// <param name="m">Sketch rows.</param>
    /// <param name="d">Columns of A.</param>
    /// <param name="rcond">The relative rank cutoff.</param>
    /// <param name="singularValues">Compute the singular values of R even when the rank does not need them.</param>
    public static SketchPreconditioner Factor(double[] sa, int m, int d, double rcond, bool singularValues = false)
    {
        var backend = LinearAlgebraBackend.Current;
        var (r, kappa) = CholeskyFactor(backend, sa, m, d, rcond);
        if (r is not null)
        {
            double[]? s = null;
            if (singularValues) s = SingularValuesOf(backend, r, d);
            double frobenius = GolubKahan.Norm(r);
            var (power, top) = TriangularNorms.LargestSingularPair(backend, r, d);
            // x′ = R⁻¹c from the Gram matrix is the seminormal-equations answer, accurate to about
            // u·κ²; corrected seminormal steps on the sketched problem bring it to Householder accuracy.
            return new SketchPreconditioner(m, d, d, r, null, sa, null, null, null, kappa > 1e2 ? MaxCorrections : 0)
            {
                SingularValues = s, Factorization = "Cholesky-QR", SigmaMax = s?[0] ?? power, Frobenius = frobenius, TopVector = top,
            };
        }
        return Householder(backend, sa, m, d, rcond);
    }

    /// <summary>
    /// For the sketched right-hand side <paramref name="sb"/> (length m): the coordinates z₀ of the
    /// sketch-and-solve answer x′ = N·z₀ (LSQR's warm start), ρ = ‖S·b − S·A·x′‖ (an estimate of
    /// ‖r*‖ within the sketch's distortion), and the corrected-seminormal steps taken.
    /// </summary>
    public (double[] Z, double Rho, int Corrections) Coordinates(ReadOnlySpan<double> sb)
    {
        var backend = LinearAlgebraBackend.Current;
        if (_qr is null)
        {
            var c = new double[_d];
            backend.Gemv(Transpose.Transpose, _m, _d, 1.0, _sa, _m, sb, 1, 0.0, c, 1);
            backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, _d, 1, 1.0, _r, _d, c, _d);
            return Corrected(backend, _sa, sb, _m, _d, _r, c, _corrections);
        }
        var qtb = sb.ToArray();
        backend.Ormqr(Side.Left, Transpose.Transpose, _m, 1, _d, _qr, _m, _tau!, qtb, _m);
        double rho = _m > _d ? GolubKahan.Norm(qtb.AsSpan(_d)) : 0;
        if (_u is null) return (qtb[.._d], rho, 0);
        var z = new double[Rank];
        if (Rank > 0) backend.Gemv(Transpose.Transpose, _d, Rank, 1.0, _u, _d, qtb.AsSpan(0, _d), 1, 0.0, z, 1);
        return (z, rho, 0);
    }

    /// <summary>Corrected-seminormal steps at most: each stops early once the correction no longer halves.</summary>
    private const int MaxCorrections = 4;

    /// <summary>
    /// Cholesky-QR of S·A: R from potrf of the Gram matrix (one syrk) and the estimated κ(R); or a
    /// null R when potrf fails, κ(R) exceeds 1e7 (its u·κ² error would reach 1e-2), or κ(R) comes
    /// within a factor 100 of 1/rcond (the rank then needs the singular values): Householder is used then.
    /// </summary>
    private static (double[]? R, double Kappa) CholeskyFactor(LinearAlgebraBackend backend, double[] sa, int m, int d, double rcond)
    {
        var r = new double[d * d];
        backend.Syrk(TriangularPart.Upper, Transpose.Transpose, d, m, 1.0, sa, m, 0.0, r, d);
        if (backend.Potrf(TriangularPart.Upper, d, r, d) != 0) return (null, double.NaN);
        ClearLower(r, d);
        double kappa = TriangularNorms.LargestSingularValue(backend, r, d) / TriangularNorms.SmallestSingularValue(backend, r, d);
        if (!(kappa <= 1e7) || kappa * 100 >= 1 / rcond) return (null, kappa);
        return (r, kappa);
    }

    /// <summary>
    /// From x = R⁻¹c, up to <paramref name="maxSteps"/> steps of x ← x + R⁻¹R⁻ᵀ(S·A)ᵀ(S·b − S·A·x)
    /// (Björck's corrected seminormal equations on the sketched problem), stopping when a correction
    /// no longer halves or falls below u·‖x‖. Returns the coordinates z = R·x, ρ = ‖S·b − S·A·x‖ at
    /// the returned x, and the steps taken.
    /// </summary>
    private static (double[] Z, double Rho, int Steps) Corrected(LinearAlgebraBackend backend, double[] sa, ReadOnlySpan<double> sb, int m, int d, double[] r, double[] c, int maxSteps)
    {
        var x = c;
        backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, d, 1, 1.0, r, d, x, d);
        var residual = new double[m];
        var g = new double[d];
        void Residual(ReadOnlySpan<double> sb)
        {
            sb.CopyTo(residual);
            backend.Gemv(Transpose.NoTranspose, m, d, -1.0, sa, m, x, 1, 1.0, residual, 1);
        }
        Residual(sb);
        int steps = 0;
        double previous = double.PositiveInfinity;
        while (steps < maxSteps)
        {
            backend.Gemv(Transpose.Transpose, m, d, 1.0, sa, m, residual, 1, 0.0, g, 1);
            backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, d, 1, 1.0, r, d, g, d);
            backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, d, 1, 1.0, r, d, g, d);
            double size = GolubKahan.Norm(g);
            if (!(size < 0.5 * previous)) break;
            for (int i = 0; i < d; i++) x[i] += g[i];
            steps++;
            Residual(sb);
            previous = size;
            if (size <= 1.1102230246251565e-16 * GolubKahan.Norm(x)) break;
        }
        double rho = GolubKahan.Norm(residual);
        backend.Trmv(TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, d, r, d, x, 1);
        return (x, rho, steps);
    }

    private static void ClearLower(double[] r, int w)
    {
        for (int j = 0; j < w; j++)
            for (int i = j + 1; i < w; i++) r[i + j * w] = 0;
    }

    /// <summary>The leading d×d upper triangle of a factor with leading dimension ld.</summary>
    private static double[] UpperBlock(double[] factor, int ld, int d)
    {
        var r = new double[d * d];
        for (int j = 0; j < d; j++)
            for (int i = 0; i <= j; i++) r[i + j * d] = factor[i + j * ld];
        return r;
    }

    private static double[] SingularValuesOf(LinearAlgebraBackend backend, double[] r, int d)
    {
        var s = new double[d];
        if (backend.Gesdd(SvdVectors.None, d, d, (double[])r.Clone(), d, s, [], 1, [], 1) > 0)
            throw new ArithmeticException("The SVD of the sketch's R factor did not converge.");
        return s;
    }

    /// <summary>Householder QR of the sketch, the singular values of R and the rank (ill-conditioned or rank-deficient sketches).</summary>
    private static SketchPreconditioner Householder(LinearAlgebraBackend backend, double[] sa, int m, int d, double rcond)
    {
        var qr = (double[])sa.Clone();
        var tau = new double[Math.Min(m, d)];
        backend.Geqrf(m, d, qr, m, tau);
        var r = UpperBlock(qr, m, d);
        var s = SingularValuesOf(backend, r, d);
        double frobenius = GolubKahan.Norm(r);
        var top = TriangularNorms.LargestSingularPair(backend, r, d).Vector;
        int rank = 0;
        while (rank < d && s[rank] > rcond * s[0]) rank++;
        if (rank == d)
            return new SketchPreconditioner(m, d, d, r, null, sa, qr, tau, null, 0) { SingularValues = s, Factorization = "Householder", SigmaMax = s[0], Frobenius = frobenius, TopVector = top };

        var u = new double[d * d];
        var vt = new double[d * d];
        if (backend.Gesdd(SvdVectors.Thin, d, d, (double[])r.Clone(), d, s, u, d, vt, d) > 0)
            throw new ArithmeticException("The SVD of the sketch's R factor did not converge.");
        var n = new double[d * Math.Max(1, rank)];
        for (int k = 0; k < rank; k++)
            for (int i = 0; i < d; i++) n[i + k * d] = vt[k + i * d] / s[k];
        var nullSpace = new double[d * (d - rank)];
        for (int k = rank; k < d; k++)
            for (int i = 0; i < d; i++) nullSpace[i + (k - rank) * d] = vt[k + i * d];
        return new SketchPreconditioner(m, d, rank, r, n, sa, qr, tau, u[..(d * Math.Max(1, rank))], 0)
        {
            SingularValues = s, Factorization = "Householder", SigmaMax = s[0], Frobenius = frobenius, NullSpace = nullSpace, TopVector = top,
        };
    }

    /// <summary>σ_min(R) and its right singular vector (inverse iteration estimates; R is the factor of the full-rank sketch).</summary>
    public (double Sigma, double[] Vector) SmallestSingularPair() => TriangularNorms.SmallestSingularPair(LinearAlgebraBackend.Current, _r, _d);

    /// <summary>C·N for the column-major rows×d matrix C (leading dimension rows): rows×rank.</summary>
    public double[] RightMultiply(double[] c, int rows)
    {
        var backend = LinearAlgebraBackend.Current;
        if (_n is null)
        {
            var x = (double[])c.Clone();
            backend.Trsm(Side.Right, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, rows, _d, 1.0, _r, _d, x, rows);
            return x;
        }
        var y = new double[rows * Math.Max(1, Rank)];
        if (Rank > 0) backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, rows, Rank, _d, 1.0, c, rows, _n, _d, 0.0, y, rows);
        return y;
    }

    /// <summary>N·z (length d).</summary>
    public double[] Apply(ReadOnlySpan<double> z) => Product(Transpose.NoTranspose, z);

    /// <summary>Nᵀ·x (length rank).</summary>
    public double[] ApplyTransposed(ReadOnlySpan<double> x) => Product(Transpose.Transpose, x);

    /// <summary>op(N)·v: a triangular solve with R when N = R⁻¹, a GEMV with V_r·Σ_r⁻¹ otherwise.</summary>
    private double[] Product(Transpose op, ReadOnlySpan<double> v)
    {
        var backend = LinearAlgebraBackend.Current;
        if (_n is null)
        {
            var x = v.ToArray();
            backend.Trsm(Side.Left, TriangularPart.Upper, op, DiagonalKind.NonUnit, _d, 1, 1.0, _r, _d, x, _d);
            return x;
        }
        var y = new double[op == Transpose.NoTranspose ? _d : Rank];
        if (Rank > 0) backend.Gemv(op, _d, Rank, 1.0, _n, _d, v, 1, 0.0, y, 1);
        return y;
    }

    /// <summary>‖Nᵀeᵢ‖ for every i: the row norms of N (R⁻¹ is formed once, O(d³/3)).</summary>
    public double[] RowNorms()
    {
        int cols = Rank;
        double[] n;
        if (_n is null)
        {
            n = new double[_d * _d];
            for (int i = 0; i < _d; i++) n[i + i * _d] = 1.0;
            LinearAlgebraBackend.Current.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, _d, _d, 1.0, _r, _d, n, _d);
        }
        else n = _n;
        var norms = new double[_d];
        for (int k = 0; k < cols; k++)
            for (int i = 0; i < _d; i++) norms[i] += n[i + k * _d] * n[i + k * _d];
        for (int i = 0; i < _d; i++) norms[i] = Math.Sqrt(norms[i]);
        return norms;
    }
}

/// <summary>B = A·N for LSQR: products cost one pass over A plus O(d²).</summary>
internal sealed class PreconditionedOperator(ILinearOperator a, SketchPreconditioner n) : ILinearOperator
{
    public int Rows => a.Rows;

    public int Columns => n.Rank;

    public void Multiply(ReadOnlySpan<double> x, Span<double> y) => a.Multiply(n.Apply(x), y);

    public void MultiplyTransposed(ReadOnlySpan<double> y, Span<double> x)
    {
        var t = new double[a.Columns];
        a.MultiplyTransposed(y, t);
        n.ApplyTransposed(t).CopyTo(x);
    }

    public void MultiplyThenTransposed(ReadOnlySpan<double> x, double alpha, Span<double> y, Span<double> z)
    {
        var t = new double[a.Columns];
        a.MultiplyThenTransposed(n.Apply(x), alpha, y, t);
        n.ApplyTransposed(t).CopyTo(z);
    }

    public double RowSpaceNorm(ReadOnlySpan<double> y) => a.RowSpaceNorm(y);
}
