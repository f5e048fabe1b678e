namespace Numerics.Optimization;

/// <summary>A vector norm a solver measures its residual in.</summary>
public enum VectorNorm
{
    /// <summary>‖x‖∞ = maxᵢ |xᵢ|, the largest component.</summary>
    Infinity,

    /// <summary>‖x‖₁ = Σᵢ |xᵢ|, the total: for a gradient that is a violation of mass balance, the mass misplaced.</summary>
    One,

    /// <summary>‖x‖₂, the Euclidean norm.</summary>
    Two,
}
