using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>
/// What the m×(d+1) sketch [S·A | S·b] yields after one Householder QR: the sketch-and-solve
/// answer and a right preconditioner N with A·N well conditioned. N = R⁻¹ when the sketch has full
/// rank; otherwise N = V_r·Σ_r⁻¹ from the SVD of R (LSRN style), which also makes the answers
/// minimum-norm.
/// </summary>
internal sealed class SketchPreconditioner
{
    private readonly int _d;
    private readonly double[] _r;       // full rank: R (d×d, upper, ld d)
    private readonly double[]? _n;      // rank-deficient: N = V_r Σ_r⁻¹ (d×rank, ld d)
    private readonly double[] _z0;      // sketch coordinates: c = (Qᵀ S b)[0..d) or U_rᵀ c

    private SketchPreconditioner(int d, int rank, double[] r, double[]? n, double[] z0)
    {
        _d = d;
        Rank = rank;
        _r = r;
        _n = n;
        _z0 = z0;
    }

    /// <summary>The numerical rank of the sketch; N has this many columns.</summary>
    public int Rank { get; }

    /// <summary>‖S·b − S·A·x′‖ = |r_{d+1,d+1}| of the augmented QR: an estimate of ‖r*‖ (within the sketch's distortion) at no cost.</summary>
    public double SketchResidualNorm { get; private init; }

    /// <summary>The singular values of R (= those of S·A), descending.</summary>
    public double[] SingularValues { get; private init; } = [];

    /// <summary>
    /// QR of the augmented sketch (its last column becomes Qᵀ·S·b), the singular values of R, and
    /// the rank: the number of σᵢ(R) above <paramref name="rcond"/>·σ_max(R). Only a
    /// rank-deficient sketch pays for the singular vectors.
    /// </summary>
    public static SketchPreconditioner Factor(double[] sab, int m, int d, double rcond)
    {
        var backend = LinearAlgebraBackend.Current;
        var qr = (double[])sab.Clone();
        backend.Geqrf(m, d + 1, qr, m, new double[Math.Min(m, d + 1)]);
        var r = new double[d * d];
        var c = new double[d];
        for (int j = 0; j < d; j++)
            for (int i = 0; i <= j; i++) r[i + j * d] = qr[i + j * m];
        for (int i = 0; i < d; i++) c[i] = qr[i + d * m];
        double sketchResidual = m > d ? Math.Abs(qr[d + d * m]) : 0;

        var s = new double[d];
        if (backend.Gesdd(SvdVectors.None, d, d, (double[])r.Clone(), d, s, [], 1, [], 1) > 0)
            throw new ArithmeticException("The SVD of the sketch's R factor did not converge.");
        int rank = 0;
        while (rank < d && s[rank] > rcond * s[0]) rank++;
        if (rank == d) return new SketchPreconditioner(d, d, r, null, c) { SingularValues = s, SketchResidualNorm = sketchResidual };

        var u = new double[d * d];
        var vt = new double[d * d];
        if (backend.Gesdd(SvdVectors.Thin, d, d, (double[])r.Clone(), d, s, u, d, vt, d) > 0)
            throw new ArithmeticException("The SVD of the sketch's R factor did not converge.");
        var n = new double[d * Math.Max(1, rank)];
        var z0 = new double[rank];
        for (int k = 0; k < rank; k++)
        {
            for (int i = 0; i < d; i++) n[i + k * d] = vt[k + i * d] / s[k];
            double dot = 0;
            for (int i = 0; i < d; i++) dot += u[i + k * d] * c[i];
            z0[k] = dot;
        }
        return new SketchPreconditioner(d, rank, r, n, z0) { SingularValues = s, SketchResidualNorm = sketchResidual };
    }

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

    /// <summary>The sketch-and-solve answer x′ = N·z₀ (R⁻¹c by back substitution when full rank).</summary>
    public double[] SketchSolution() => Apply(_z0);

    /// <summary>The coordinates z₀ of x′ in the preconditioned variables (LSQR's warm start).</summary>
    public double[] SketchCoordinates() => (double[])_z0.Clone();

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
}
