namespace Numerics.Spectral;

/// <summary>
/// Signum with Nesterov momentum: m ← βm + g, U = sign(g + βm) (sign 0 = 0). State: one moment (m)
/// per parameter. Note ‖sign(M)‖₂ ≥ √max(rows, cols), so the post clip is active for every matrix.
/// </summary>
public sealed class Signum : SpectralOptimizer
{
    private readonly double _beta;

    /// <summary>A Signum optimizer (defaults when <paramref name="options"/> is null).</summary>
    /// <exception cref="ArgumentException">An option is NaN, infinite or out of range (see <see cref="SignumOptions.Validate"/>).</exception>
    public Signum(SignumOptions? options = null) : base(options ?? new SignumOptions(), OptimizerKind.Signum, momentCount: 1)
    {
        _beta = ((SignumOptions)Options).Momentum;
    }

    private protected override void Direction(ReadOnlySpan<double> g, int t, double[][] moments, Span<double> direction)
    {
        var m = moments[0];
        for (int i = 0; i < g.Length; i++)
        {
            m[i] = _beta * m[i] + g[i];
            direction[i] = Math.Sign(g[i] + _beta * m[i]);
        }
    }
}
