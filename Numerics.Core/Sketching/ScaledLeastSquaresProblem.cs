using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>
/// A and b divided by powers of two (2^ea, 2^eb) so that their largest entries lie near 1: the
/// sketch, the QR of the sketch, LSQR and the certificate then never overflow or underflow on a
/// finite input (A·1e300 or A·1e-300 solve like A). Every result scales back exactly, by powers of two.
/// </summary>
internal sealed class ScaledLeastSquaresProblem
{
    private readonly int _ea, _eb;

    private ScaledLeastSquaresProblem(double[] a, double[] b, int ea, int eb) => (A, B, _ea, _eb) = (a, b, ea, eb);

    /// <summary>A/2^ea (column-major; the caller's array when ea = 0).</summary>
    public double[] A { get; }

    /// <summary>b/2^eb (the caller's array when eb = 0).</summary>
    public double[] B { get; }

    /// <summary>Scales when the largest magnitude leaves [2⁻⁴⁵⁰, 2⁴⁵⁰] (<see cref="ProblemScale"/>); inputs are not modified.</summary>
    public static ScaledLeastSquaresProblem Of(double[] a, double[] b)
    {
        int ea = Exponent(a), eb = Exponent(b);
        return new ScaledLeastSquaresProblem(Scaled(a, ea), Scaled(b, eb), ea, eb);
    }

    /// <summary>The same scaled A with the right-hand side <paramref name="b"/> scaled on its own (inputs not modified).</summary>
    public ScaledLeastSquaresProblem WithRightHandSide(double[] b)
    {
        int eb = Exponent(b);
        return new ScaledLeastSquaresProblem(A, Scaled(b, eb), _ea, eb);
    }

    /// <summary>x = x′·2^(eb − ea): A·x ≈ b ⇔ (A/2^ea)·x′ ≈ b/2^eb. Also for bounds on x.</summary>
    public double[] UnscaleSolution(double[] x) => Scaled(x, _ea - _eb);

    /// <summary>‖b − A·x‖ = 2^eb·‖b′ − A′·x′‖.</summary>
    public double UnscaleResidual(double value) => Math.ScaleB(value, _eb);

    /// <summary>‖Aᵀr‖ = 2^(ea + eb)·‖A′ᵀr′‖.</summary>
    public double UnscaleNormalResidual(double value) => Math.ScaleB(value, _ea + _eb);

    /// <summary>
    /// The ridge weight in the scaled variables: min ‖A·x − b‖² + λ²‖x‖² is 2^(2·eb) times the same
    /// problem in A′, b′, x′ with λ′ = λ·2^(−ea).
    /// </summary>
    public double ScaleDamp(double damp) => Math.ScaleB(damp, -_ea);

    /// <summary>
    /// The dense damped problem [A′; λ′·I] ((n + d)×d, a copy) with this problem's scaling; its
    /// right-hand sides are [b′; 0] (see <see cref="WithRightHandSide"/>).
    /// </summary>
    public ScaledLeastSquaresProblem WithDampingRows(int n, int d, double damp)
    {
        int rows = n + d;
        var stacked = new double[(long)rows * d];
        for (int j = 0; j < d; j++)
        {
            A.AsSpan(j * n, n).CopyTo(stacked.AsSpan(j * rows, n));
            stacked[(long)j * rows + n + j] = damp;
        }
        return new ScaledLeastSquaresProblem(stacked, B, _ea, _eb);
    }

    /// <summary>σ(A) = 2^ea·σ(A′).</summary>
    public double[] UnscaleSingularValues(double[] s) => Scaled(s, -_ea);

    private static int Exponent(double[] values)
    {
        double max = 0;
        foreach (var v in values) max = Math.Max(max, Math.Abs(v));
        double scale = ProblemScale.For(max);
        return scale == 1 ? 0 : Math.ILogB(scale);
    }

    /// <summary>values·2^(−e), a copy (the input itself when e = 0).</summary>
    private static double[] Scaled(double[] values, int e)
    {
        if (e == 0) return values;
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = Math.ScaleB(values[i], -e);
        return result;
    }
}
