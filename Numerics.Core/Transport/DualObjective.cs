using System.Numerics.Tensors;

namespace Numerics.Transport;

/// <summary>
/// f(α, β) = −D_k(α, β) on the CPU, where D_k(α, β) = ⟨α, a⟩ + ⟨β, b⟩ − Σⱼ δ_k(α + βⱼ·1 − c_j) is the
/// dual of sparsity-constrained optimal transport and
/// δ_k(s) = max { ⟨s, t⟩ − (γ/2)‖t‖² : t ≥ 0, ‖t‖₀ ≤ k } = (1/2γ)·Σ_{i ∈ top-k(s)} [sᵢ]₊².
/// ∇_α f = T·1 − a and ∇_β f = Tᵀ·1 − b, with T_ij = [sᵢ]₊/γ on the top k entries of column j.
/// </summary>
/// <remarks>
/// <para>
/// The variables are x = (α, β), α first (m), then β (n). Both marginals are relaxed, so the
/// gradient is the plan's marginal violation (Liu, Puigcerver &amp; Blondel 2023, §3).
/// </para>
/// <para>
/// Shifting column j by βⱼ does not change which entries are largest, so the sweep selects the top
/// k of α − c_j, skipping every entry at or below −βⱼ (its [·]₊ is 0) as it streams past. One
/// evaluation reads C once; no buffer is allocated per evaluation.
/// </para>
/// </remarks>
public sealed class DualObjective : HostTransportObjective
{
    private readonly Rule _rule;
    private readonly double[] _alpha;

    /// <summary>The dual of <paramref name="problem"/> with at most <paramref name="k"/> non-zeros per column and regulariser weight <paramref name="gamma"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or γ is not positive and finite.</exception>
    public DualObjective(TransportProblem problem, int k, double gamma)
        : base(problem, k, gamma, problem is null ? 0 : problem.Rows + problem.Columns)
    {
        _alpha = new double[Problem.Rows];
        _rule = new Rule(new double[Problem.Columns], gamma);
    }

    /// <inheritdoc />
    public override TransportFormulation Formulation => TransportFormulation.Dual;

    /// <summary>−D_k(α, β) and its gradient (T·1 − a, Tᵀ·1 − b).</summary>
    private protected override double EvaluateFinite(double[] x, double[] gradient)
    {
        int m = _alpha.Length;
        x.AsSpan(0, m).CopyTo(_alpha);
        x.AsSpan(m).CopyTo(_rule.Beta);
        Sweep.Run(_alpha, _rule);
        var gAlpha = gradient.AsSpan(0, m);
        var gBeta = gradient.AsSpan(m);
        Sweep.Sums(gAlpha, gBeta);
        TensorPrimitives.Subtract(gAlpha, SourceWeights, gAlpha);
        TensorPrimitives.Subtract(gBeta, TargetWeights, gBeta);
        return Sweep.TermSum() - TensorPrimitives.Dot<double>(_alpha, SourceWeights) - TensorPrimitives.Dot<double>(_rule.Beta, TargetWeights);
    }

    /// <summary>δ_k(α + βⱼ − c_j) and its gradient from the top k entries of α − c_j above −βⱼ.</summary>
    internal sealed class Rule(double[] beta, double gamma) : IColumnRule
    {
        public double[] Beta { get; } = beta;

        public double Floor(int column) => -Beta[column];

        public double Band(int column) => double.PositiveInfinity;

        public int Column(int column, ReadOnlySpan<double> sorted, ReadOnlySpan<int> rows, Span<int> planRows, Span<double> planValues, out double value)
        {
            double shift = Beta[column], sum = 0;
            int count = 0;
            for (int r = 0; r < sorted.Length; r++)
            {
                // sorted[r] > −βⱼ, so the exact sum is positive and its rounding is too.
                double u = sorted[r] + shift;
                double t = u / gamma;
                sum += u * t;
                if (t > 0)
                {
                    planRows[count] = rows[r];
                    planValues[count++] = t;
                }
            }
            value = 0.5 * sum;
            return count;
        }
    }
}
