namespace Numerics.Transport;

/// <summary>
/// One evaluation of every problem of a batch of equal-shaped sparse-transport problems at once:
/// f_p = −S_k or −D_k of problem p at its block x_p of the concatenated potentials, with ∇f_p and
/// the plans. The CPU supplies <see cref="BatchTransportObjective"/> (one column sweep over all the
/// problems), a device one kernel launch over all their columns; <see cref="SparseTransport.SolveBatch(ISparseTransportBatchObjective, SparseTransportOptions?)"/>
/// drives either with the same control code.
/// </summary>
/// <remarks>
/// Problem p's variables are the block [p·d, (p + 1)·d) of x, d = <see cref="VariablesPerProblem"/>,
/// laid out as a single problem's (α, then β for the dual); the gradient has the same layout. A block
/// holding NaN or ±∞ gives that problem NaN (value and gradient), as a single objective does, and
/// leaves the others' results alone: the problems are evaluated independently.
/// </remarks>
public interface ISparseTransportBatchObjective
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
    /// Evaluates the problems marked in <paramref name="active"/> (null: every problem) at their blocks
    /// of <paramref name="x"/> (host, length P·d): writes ∇f_p to block p of <paramref name="gradient"/>
    /// and f_p to <paramref name="values"/>[p]. An implementation may evaluate the others too (a device
    /// launch covers every column); their results are not read.
    /// </summary>
    void Evaluate(double[] x, double[] gradient, Span<double> values, bool[]? active = null);

    /// <summary>Evaluates at <paramref name="x"/> as <see cref="Evaluate"/> does and returns every problem's plan T_p(x_p).</summary>
    TransportPlan[] Plans(double[] x, Span<double> values);
}
