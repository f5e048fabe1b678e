using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The sum Σ_p f_p(x_p) of the negated duals of a batch of equal-shaped transport problems over
/// their concatenated variables, one evaluation for all of them: the batch counterpart of
/// <see cref="ISparseTransportObjective{TVector}"/>, which
/// <see cref="SparseTransport.SolveBatch{TVector}"/> drives on the CPU
/// (<see cref="BatchTransportObjective"/>) or a device with the same control code.
/// </summary>
/// <remarks>
/// Problem p's variables are the block [p·d, (p + 1)·d) of x, d = <see cref="VariablesPerProblem"/>,
/// laid out as a single problem's (α, then β for the dual). The objective is separable, so its
/// gradient is the problems' gradients side by side: each block is that problem's marginal violation.
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface ISparseTransportBatchObjective<TVector> : IDifferentiableObjective<TVector>
{
    /// <summary>The problems, all m×n, in the order of their variable blocks.</summary>
    IReadOnlyList<TransportProblem> Problems { get; }

    /// <summary>Which dual this is, for every problem.</summary>
    TransportFormulation Formulation { get; }

    /// <summary>k, the most non-zeros a column of each plan may hold.</summary>
    int MaxNonZerosPerColumn { get; }

    /// <summary>γ &gt; 0, the regulariser's weight, shared by the batch.</summary>
    double Gamma { get; }

    /// <summary>d, the variables of one problem: m for the semi-dual, m + n for the dual.</summary>
    int VariablesPerProblem { get; }

    /// <summary>
    /// Evaluates at <paramref name="x"/> and returns every problem's plan T_p(x_p) on the host, writing
    /// its term f_p(x_p) of the sum to <paramref name="values"/> (length: the number of problems).
    /// </summary>
    TransportPlan[] Plans(TVector x, Span<double> values);

    /// <summary>The whole vector <paramref name="x"/> on the host (potentials, or a gradient laid out as them).</summary>
    double[] Potentials(TVector x);
}
