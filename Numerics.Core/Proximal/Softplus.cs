using System.Runtime.Intrinsics;

namespace Numerics.Proximal;

/// <summary>
/// softplus_β(t) = log(1 + e^{βt})/β and its first two derivatives, σ(βt) and β·σ(βt)·(1 − σ(βt)),
/// evaluated from one exponential e = e^{−β|t|} so that nothing overflows at any t:
/// s = max(t, 0) + log(1 + e)/β, s′ = 1/(1 + e) for t ≥ 0 and e/(1 + e) below, s″ = β·e/(1 + e)².
/// </summary>
/// <remarks>
/// PyTorch switches to the identity when βt &gt; 20; that makes ψ only piecewise smooth (its
/// second derivative jumps at the switch), which finite-difference checks of the Hessian see.
/// This form is exact everywhere and agrees with PyTorch's to e^{−20}/β ≈ 2e-9/β where PyTorch
/// switches. Spans are processed in 512-bit vectors (split in halves where the hardware lacks
/// AVX-512) with a scalar tail, so an element's bits depend on its position modulo 8 in the span:
/// callers split work into blocks whose starts are multiples of 8.
/// </remarks>
internal static class Softplus
{
    /// <summary>Below this e, log(1 + e) loses relative accuracy; e itself equals log1p(e) to within e²/2 &lt; 5e-17·e.</summary>
    private const double Log1pCutoff = 1e-8;

    /// <summary>Writes z = s(u), s′(u) and s″(u) elementwise.</summary>
    public static void Evaluate(ReadOnlySpan<double> pre, double beta, Span<double> value, Span<double> slope, Span<double> curvature)
    {
        int i = 0, width = Vector512<double>.Count;
        var b = Vector512.Create(beta);
        var inverse = Vector512.Create(1 / beta);
        var cutoff = Vector512.Create(Log1pCutoff);
        for (; i <= pre.Length - width; i += width)
        {
            var u = Vector512.Create(pre.Slice(i, width));
            var t = b * u;
            var e = Vector512.Exp(-Vector512.Abs(t));
            var onePlus = Vector512<double>.One + e;
            var log1p = Vector512.ConditionalSelect(Vector512.LessThan(e, cutoff), e, Vector512.Log(onePlus));
            (Vector512.Max(u, Vector512<double>.Zero) + log1p * inverse).CopyTo(value.Slice(i, width));
            var high = Vector512<double>.One / onePlus;
            var low = e / onePlus;
            Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(t, Vector512<double>.Zero), high, low).CopyTo(slope.Slice(i, width));
            (b * high * low).CopyTo(curvature.Slice(i, width));
        }
        for (; i < pre.Length; i++) Evaluate(pre[i], beta, out value[i], out slope[i], out curvature[i]);
    }

    /// <summary>Writes z = s(u), s′(u) and s″(u) for one element.</summary>
    public static void Evaluate(double u, double beta, out double value, out double slope, out double curvature)
    {
        double t = beta * u;
        double e = Math.Exp(-Math.Abs(t));
        value = Math.Max(u, 0) + (e < Log1pCutoff ? e : Math.Log(1 + e)) / beta;
        double high = 1 / (1 + e), low = e / (1 + e);
        slope = t >= 0 ? high : low;
        curvature = beta * high * low;
    }
}
