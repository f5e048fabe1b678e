using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;

namespace Numerics.Transport;

/// <summary>
/// A validated transport problem: an m×n cost C (sources are rows, targets are columns) and the
/// marginals a ∈ Δᵐ, b ∈ Δⁿ. Every transport solver checks its input through this one type.
/// </summary>
/// <remarks>
/// Marginals must be non-negative and sum to 1 within <see cref="TransportInput.MassTolerance"/>, which
/// admits weights rounded to float32 or written with a few significant digits. The problem keeps
/// a/Σa and b/Σb (<see cref="TransportInput"/>'s one normalisation, shared by every transport solver),
/// so both sum to 1 to rounding: otherwise U(a, b) would be empty, the gradient a − T·1 of a
/// semi-dual (whose plan carries Σb) could not fall below |Σa − Σb| and a tight tolerance could never
/// be met. The input's totals are kept in <see cref="InputMass"/>, and results report them.
/// </remarks>
public sealed class TransportProblem
{
    private readonly double[] _cost;
    private readonly double[] _a;
    private readonly double[] _b;

    private TransportProblem(Matrix<double> costMatrix, double[] cost, double[] a, double[] b, InputMass inputMass)
    {
        InputMass = inputMass;
        CostMatrix = costMatrix;
        CostRange = System.Numerics.Tensors.TensorPrimitives.Max<double>(cost) - System.Numerics.Tensors.TensorPrimitives.Min<double>(cost);
        _cost = cost;
        _a = a;
        _b = b;
    }

    /// <summary>Checks and stores the problem; nothing the caller passed is modified.</summary>
    /// <param name="cost">C, m×n, finite, non-empty.</param>
    /// <param name="a">The source marginal, length m, non-negative, summing to 1 within <see cref="TransportInput.MassTolerance"/>.</param>
    /// <param name="b">The target marginal, length n, likewise.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">C is empty or holds NaN/±∞; a length does not match C; a marginal has a negative or non-finite entry or does not sum to 1. The exception names the parameter.</exception>
    public static TransportProblem Create(Matrix<double> cost, Vector<double> a, Vector<double> b)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (cost.RowCount == 0 || cost.ColumnCount == 0)
            throw new ArgumentException($"cost is empty ({cost.RowCount}×{cost.ColumnCount}).", nameof(cost));
        var values = DenseStorage.ColumnMajor(cost);
        var av = DenseStorage.Values(a);
        var bv = DenseStorage.Values(b);
        TransportInput.RequireProblem(av, bv, values, cost.RowCount, cost.ColumnCount);
        var (an, bn, mass) = TransportInput.Normalize(av, bv);
        return new TransportProblem(cost, values, an, bn, mass);
    }

    /// <summary>m, the number of sources.</summary>
    public int Rows => _a.Length;

    /// <summary>n, the number of targets.</summary>
    public int Columns => _b.Length;

    /// <summary>C as the caller gave it.</summary>
    public Matrix<double> CostMatrix { get; }

    /// <summary>C's values, column-major with leading dimension m.</summary>
    public ReadOnlySpan<double> Cost => _cost;

    /// <summary>a/Σa.</summary>
    public ReadOnlySpan<double> SourceWeights => _a;

    /// <summary>b/Σb.</summary>
    public ReadOnlySpan<double> TargetWeights => _b;

    /// <summary>Σa and Σb as the caller passed them (the problem keeps a/Σa and b/Σb).</summary>
    public InputMass InputMass { get; }

    /// <summary>max C − min C (+∞ when the difference overflows).</summary>
    public double CostRange { get; }

    /// <summary>C's column-major array, for kernels that read it in place.</summary>
    internal double[] CostArray => _cost;

    /// <summary>
    /// Σᵢ |(T·1)ᵢ − aᵢ| against the normalised a/Σa, the mass the plan moves away from (or too much out
    /// of) the sources; against the caller's a it is larger by at most <see cref="InputMass.SourceOffset"/>.
    /// </summary>
    public double RowMarginalError(TransportPlan plan) => L1Distance(CheckShape(plan).RowSums(), _a);

    /// <summary>Σⱼ |(Tᵀ·1)ⱼ − bⱼ| against the normalised b/Σb, the mass the plan delivers wrongly to the targets (see <see cref="RowMarginalError"/>).</summary>
    public double ColumnMarginalError(TransportPlan plan) => L1Distance(CheckShape(plan).ColumnSums(), _b);

    private TransportPlan CheckShape(TransportPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Rows != Rows || plan.Columns != Columns)
            throw new ArgumentException($"plan is {plan.Rows}×{plan.Columns}; the problem is {Rows}×{Columns}.", nameof(plan));
        return plan;
    }

    private static double L1Distance(double[] x, double[] y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Abs(x[i] - y[i]);
        return s;
    }
}
