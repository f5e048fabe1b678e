namespace Numerics.Transport;

/// <summary>Which dual of the sparsity-constrained transport problem a solver maximises.</summary>
public enum TransportFormulation
{
    /// <summary>
    /// The semi-dual S_k(α) over the m source potentials: the column marginals Tᵀ·1 = b hold exactly
    /// and only the row marginals are relaxed. Fewer variables and the recommended path.
    /// </summary>
    SemiDual,

    /// <summary>The dual D_k(α, β) over m + n potentials: both marginals are relaxed.</summary>
    Dual,
}
