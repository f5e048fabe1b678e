namespace Numerics.Optimization;

/// <summary>
/// Golub–Kahan bidiagonalisation A·V_k = U_{k+1}·B_k started from a vector: the recurrence under
/// LSQR, and a cheap estimator of A's extreme singular values (those of the small lower-bidiagonal
/// B_k, which converge from inside the spectrum).
/// </summary>
internal sealed class GolubKahan
{
    private readonly ILinearOperator _a;
    private readonly List<double> _alphas = [];
    private readonly List<double> _betas = [];
    private readonly double[] _atu;

    /// <summary>β₁u₁ = start, α₁v₁ = Aᵀu₁.</summary>
    public GolubKahan(ILinearOperator a, ReadOnlySpan<double> start)
    {
        _a = a;
        U = start.ToArray();
        V = new double[a.Columns];
        _atu = new double[a.Columns];
        Beta = Normalize(U, a.RowSpaceNorm(U));
        if (Beta > 0)
        {
            a.MultiplyTransposed(U, V);
            Alpha = Normalize(V, Norm(V));
        }
        _alphas.Add(Alpha);
    }

    /// <summary>The current left vector u_{k+1} (unit, or zero after breakdown).</summary>
    public double[] U { get; }

    /// <summary>The current right vector v_{k+1}.</summary>
    public double[] V { get; }

    /// <summary>The latest α.</summary>
    public double Alpha { get; private set; }

    /// <summary>The latest β.</summary>
    public double Beta { get; private set; }

    /// <summary>Steps taken (columns of B_k).</summary>
    public int Steps => _betas.Count;

    /// <summary>βu ← A·v − α·u, then αv ← Aᵀ·u − β·v (one fused operator call: Aᵀ(A·v − α·u) = β·Aᵀu).</summary>
    public void Step()
    {
        _a.MultiplyThenTransposed(V, Alpha, U, _atu);
        Beta = Normalize(U, _a.RowSpaceNorm(U));
        _betas.Add(Beta);
        if (Beta > 0)
        {
            double inv = 1.0 / Beta;
            for (int i = 0; i < V.Length; i++) V[i] = _atu[i] * inv - Beta * V[i];
            Alpha = Normalize(V, Norm(V));
        }
        else Alpha = 0;
        _alphas.Add(Alpha);
    }

    /// <summary>
    /// The smallest and largest singular values of B_k ((k+1)×k, α on the diagonal, β below it): upper
    /// and lower estimates of σ_min(A) and σ_max(A) respectively (exact arithmetic), from the
    /// extreme eigenvalues of the tridiagonal B_kᵀB_k.
    /// </summary>
    public (double Min, double Max) SingularValueEstimates()
    {
        int k = _betas.Count;
        if (k == 0) return (Alpha, Alpha);
        var diag = new double[k];
        var off = new double[Math.Max(0, k - 1)];
        for (int i = 0; i < k; i++)
        {
            diag[i] = _alphas[i] * _alphas[i] + _betas[i] * _betas[i];
            if (i + 1 < k) off[i] = _alphas[i + 1] * _betas[i];
        }
        var (lo, hi) = SymmetricTridiagonal.ExtremeEigenvalues(diag, off);
        return (Math.Sqrt(Math.Max(0, lo)), Math.Sqrt(Math.Max(0, hi)));
    }

    /// <summary>x ← x/norm (zero when the norm is zero or not finite); returns the norm used.</summary>
    private static double Normalize(Span<double> x, double norm)
    {
        if (norm > 0 && double.IsFinite(norm))
        {
            double inv = 1.0 / norm;
            for (int i = 0; i < x.Length; i++) x[i] *= inv;
            return norm;
        }
        x.Clear();
        return 0;
    }

    /// <summary>‖x‖₂ by the backend's (scaled, overflow-safe) nrm2.</summary>
    public static double Norm(ReadOnlySpan<double> x) => x.IsEmpty ? 0 : LinearAlgebra.LinearAlgebraBackend.Current.Nrm2(x.Length, x, 1);
}
