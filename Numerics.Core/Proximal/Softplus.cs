namespace Numerics.Proximal;

/// <summary>
/// softplus_β(t) = log(1 + e^{βt})/β and its first two derivatives, σ(βt) and β·σ(βt)·(1 − σ(βt)),
/// evaluated from one exponential of −β|t| so that nothing overflows at any t.
/// </summary>
/// <remarks>
/// PyTorch switches to the identity when βt &gt; 20; that makes ψ only piecewise smooth (its
/// second derivative jumps at the switch), which finite-difference checks of the Hessian see.
/// The form max(t, 0) + log1p(e^{−β|t|})/β is exact everywhere and agrees with PyTorch's to
/// e^{−20}/β ≈ 2e-9/β where PyTorch switches.
/// </remarks>
internal static class Softplus
{
    /// <summary>Writes z = s(u), s′(u) and s″(u) for one element.</summary>
    public static void Evaluate(double u, double beta, out double value, out double slope, out double curvature)
    {
        double t = beta * u;
        double e = Math.Exp(-Math.Abs(t));
        // log(1 + e) rounds to 0 for e below u/2; e itself is log1p(e) to full accuracy there.
        value = Math.Max(u, 0) + (e < 1e-8 ? e : Math.Log(1 + e)) / beta;
        double sig = t >= 0 ? 1 / (1 + e) : e / (1 + e);
        slope = sig;
        curvature = beta * sig * (t >= 0 ? e / (1 + e) : 1 / (1 + e));
    }
}
