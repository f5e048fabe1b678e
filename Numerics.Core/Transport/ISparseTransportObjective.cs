using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The negative of a sparsity-constrained transport dual (semi-dual −S_k or dual −D_k) as a smooth
/// objective for the shared L-BFGS, together with the plan its gradient comes from. The CPU
/// supplies <see cref="SemiDualObjective"/> and <see cref="DualObjective"/>; a device supplies the
/// same operations on its own vectors, and <see cref="SparseTransport.Solve{TVector}"/> drives
/// either with the same control logic.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface ISparseTransportObjective<TVector> : IDifferentiableObjective<TVector>
{
    /// <summary>The problem the objective was built for.</summary>
    TransportProblem Problem { get; }

    /// <summary>Which dual this is; its variables are α (m) for the semi-dual, α then β (m + n) for the dual.</summary>
    TransportFormulation Formulation { get; }

    /// <summary>k, the most non-zeros a column of the plan may hold.</summary>
    int MaxNonZerosPerColumn { get; }

    /// <summary>γ &gt; 0, the weight of the quadratic regulariser (γ/2)‖T‖².</summary>
    double Gamma { get; }

    /// <summary>The plan T(x) whose marginals make up the gradient at <paramref name="x"/>, on the host.</summary>
    TransportPlan Plan(TVector x);

    /// <summary>The potentials <paramref name="x"/> on the host: α, then β for the dual.</summary>
    double[] Potentials(TVector x);
}
