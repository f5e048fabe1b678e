using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>
/// A and b divided by powers of two (2^ea, 2^eb) so that their largest entries lie near 1: the
/// sketch, the QR of the sketch, LSQR and the certificate then never overflow or underflow on a
/// finite input (A·1e300 or A·1e-300 solve like A). Every result scales back exactly, by powers of
/// two. A ridge weight λ is scaled with A (λ′ = λ·2^(−ea)); for the dense methods A may hold the
/// stacked damped matrix [A′; λ′I] (or [λ′I; A′], see <see cref="DampingRowsFirst"/>).
/// </summary>
internal sealed class ScaledLeastSquaresProblem
{
    private readonly int _ea, _eb;
    private readonly int _stackedRows;     // n when A holds the stacked damped matrix, else −1
    private readonly int _stackedColumns;  // d when A holds the stacked damped matrix

    private ScaledLeastSquaresProblem(double[] a, double[] b, int ea, int eb, double damp, bool dampingRowsFirst, int stackedRows, int stackedColumns = 0)
    {
        _stackedColumns = stackedColumns;
        A = a;
        B = b;
        _ea = ea;
        _eb = eb;
        Damp = damp;
        DampingRowsFirst = dampingRowsFirst;
        _stackedRows = stackedRows;
    }

    /// <summary>A/2^ea (column-major; the caller's array when ea = 0), or the stacked damped matrix.</summary>
    public double[] A { get; }

    /// <summary>b/2^eb (the caller's array when eb = 0), stacked with zeros when A is.</summary>
    public double[] B { get; }

    /// <summary>The ridge weight in the scaled variables: λ′ = λ·2^(−ea) (min ‖A·x − b‖² + λ²‖x‖² is 2^(2·eb) times the scaled problem).</summary>
    public double Damp { get; }

    /// <summary>
    /// Whether <see cref="WithDampingRows"/> put the λ′·I rows above A′. Householder QR is row-wise
    /// stable when rows come in decreasing size: with λ′ above the entries of A′ the damping rows go
    /// first (below A′ they would cancel the leading entries of Qᵀ[b′; 0] and lose A's part).
    /// </summary>
    public bool DampingRowsFirst { get; }

    /// <summary>
    /// Scales when the largest magnitude leaves [2⁻⁴⁵⁰, 2⁴⁵⁰] (<see cref="ProblemScale"/>); inputs are
    /// not modified. The ridge weight is scaled with A: λ′ = λ·2^(−ea) (it may exceed
    /// <see cref="MaxScaledDamp"/>, which callers refuse).
    /// </summary>
    public static ScaledLeastSquaresProblem Of(double[] a, double[] b, double damp = 0)
    {
        int ea = ExponentOf(SpanArithmetic.MaxAbs<double>(a)), eb = ExponentOf(SpanArithmetic.MaxAbs<double>(b));
        return new ScaledLeastSquaresProblem(Scaled(a, ea), Scaled(b, eb), ea, eb, Math.ScaleB(damp, -ea), false, -1);
    }

    /// <summary>
    /// The largest λ′ (relative to A′, whose entries are at most about 1) the solvers take: λ′² and
    /// the stacked norms stay far inside double's range. Beyond it (λ/max|A| &gt; 2⁴⁰⁰) the ridge term
    /// dominates so completely that x = Aᵀb/λ² to far below u.
    /// </summary>
    public const double MaxScaledDamp = 2.5822498780869086e120;   // 2^400

    /// <summary>
    /// The same scaled A with the right-hand side <paramref name="b"/> (length n) scaled on its own;
    /// for a stacked A, b′ goes against A′'s rows and zeros against the damping rows. Inputs are not modified.
    /// </summary>
    public ScaledLeastSquaresProblem WithRightHandSide(double[] b)
    {
        int eb = ExponentOf(SpanArithmetic.MaxAbs<double>(b));
        var scaled = Scaled(b, eb);
        if (_stackedRows >= 0)
        {
            var stacked = new double[_stackedRows + _stackedColumns];
            scaled.CopyTo(stacked, DampingRowsFirst ? stacked.Length - _stackedRows : 0);
            scaled = stacked;
        }
        return new ScaledLeastSquaresProblem(A, scaled, _ea, eb, Damp, DampingRowsFirst, _stackedRows, _stackedColumns);
    }

    /// <summary>x = x′·2^(eb − ea): A·x ≈ b ⇔ (A/2^ea)·x′ ≈ b/2^eb. Also for bounds on x.</summary>
    public double[] UnscaleSolution(double[] x) => Scaled(x, _ea - _eb);

    /// <summary>‖b − A·x‖ = 2^eb·‖b′ − A′·x′‖.</summary>
    public double UnscaleResidual(double value) => Math.ScaleB(value, _eb);

    /// <summary>‖Aᵀr‖ = 2^(ea + eb)·‖A′ᵀr′‖.</summary>
    public double UnscaleNormalResidual(double value) => Math.ScaleB(value, _ea + _eb);

    /// <summary>
    /// The dense damped problem ((n + d)×d, a copy) with this problem's scaling and λ′: [λ′I; A′] when
    /// λ′ exceeds every entry of A′, else [A′; λ′I]. Its right-hand sides are stacked to match by
    /// <see cref="WithRightHandSide"/>.
    /// </summary>
    public ScaledLeastSquaresProblem WithDampingRows(int n, int d)
    {
        int rows = n + d;
        bool first = Damp > SpanArithmetic.MaxAbs<double>(A);
        int aOffset = first ? d : 0, dampOffset = first ? 0 : n;
        var stacked = new double[(long)rows * d];
        for (int j = 0; j < d; j++)
        {
            A.AsSpan(j * n, n).CopyTo(stacked.AsSpan(j * rows + aOffset, n));
            stacked[(long)j * rows + dampOffset + j] = Damp;
        }
        return new ScaledLeastSquaresProblem(stacked, [], _ea, _eb, Damp, first, n, d);
    }

    /// <summary>σ(A) = 2^ea·σ(A′).</summary>
    public double[] UnscaleSingularValues(double[] s) => Scaled(s, -_ea);

    private static int ExponentOf(double max)
    {
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
