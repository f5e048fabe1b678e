using System.Numerics.Tensors;

namespace Numerics.Transport;

/// <summary>
/// f(α) = −S_k(α) on the CPU, where S_k(α) = ⟨α, a⟩ − Σⱼ max_{k,bⱼ}(α − c_j) is the semi-dual of
/// sparsity-constrained optimal transport and
/// max_{k,z}(s) = max { ⟨s, t⟩ − (γ/2)‖t‖² : t ≥ 0, Σt = z, ‖t‖₀ ≤ k }.
/// ∇f(α) = T·1 − a, where column j of T is the maximiser t_j = z·SP_k(s/(γz)), s = α − c_j, z = bⱼ.
/// </summary>
/// <remarks>
/// <para>
/// The maximiser is the projection of s/γ onto the k-sparse simplex of total bⱼ
/// (<see cref="SparseProjection"/>), so Tᵀ·1 = b holds exactly and only the row marginals are
/// relaxed (Liu, Puigcerver &amp; Blondel 2023, §3). A column with bⱼ = 0 contributes nothing.
/// </para>
/// <para>
/// One evaluation reads C once (<see cref="ColumnSweep"/>); entries of s more than γ·bⱼ below the
/// column's maximum cannot enter the projection and are skipped as they stream past. No buffer is
/// allocated per evaluation.
/// </para>
/// </remarks>
public sealed class SemiDualObjective : HostTransportObjective
{
    private readonly Rule _rule;

    /// <summary>The semi-dual of <paramref name="problem"/> with at most <paramref name="k"/> non-zeros per column and regulariser weight <paramref name="gamma"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or γ is not positive and finite.</exception>
    public SemiDualObjective(TransportProblem problem, int k, double gamma)
        : base(problem, k, gamma, problem?.Rows ?? 0) => _rule = new Rule(TargetWeights, gamma);

    /// <inheritdoc />
    public override TransportFormulation Formulation => TransportFormulation.SemiDual;

    /// <summary>−S_k(α) and ∇ = T·1 − a.</summary>
    private protected override double EvaluateFinite(double[] x, double[] gradient)
    {
        Sweep.Run(x, _rule);
        Sweep.Sums(gradient, default);
        TensorPrimitives.Subtract(gradient, SourceWeights, gradient);
        return Sweep.TermSum() - TensorPrimitives.Dot<double>(x, SourceWeights);
    }

    /// <summary>max_{k,bⱼ}(s) and its maximiser from the top k entries of s.</summary>
    internal sealed class Rule(double[] b, double gamma) : IColumnRule
    {
        /// <summary>Relative margin on the band γ·bⱼ, so that rounding in max − band never drops an entry whose projection is positive.</summary>
        private const double BandMargin = 1e-9;

        public double Floor(int column) => double.NegativeInfinity;

        public double Band(int column) => gamma * b[column] * (1 + BandMargin);

        public int Column(int column, ReadOnlySpan<double> sorted, ReadOnlySpan<int> rows, Span<int> planRows, Span<double> planValues, out double value)
        {
            double z = b[column];
            double scale = 1 / gamma;
            int support = SparseProjection.SimplexThreshold(sorted, scale, z, out double shift);
            // ⟨s, t⟩ − (γ/2)‖t‖² with ⟨s, t⟩ = s₀·z + Σ (sᵣ − s₀)·tᵣ, as Σ tᵣ = z: no cancellation when s is large.
            double first = support > 0 ? sorted[0] : 0, linear = 0, square = 0;
            for (int r = 0; r < support; r++)
            {
                double t = scale * (sorted[r] - first) - shift; // as SimplexThreshold rounds it, so t > 0
                linear += (sorted[r] - first) * t;
                square += t * t;
                planRows[r] = rows[r];
                planValues[r] = t;
            }
            value = first * z + linear - 0.5 * gamma * square;
            return support;
        }
    }
}
