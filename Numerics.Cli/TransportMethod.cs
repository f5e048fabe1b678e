namespace Numerics.Cli;

/// <summary>The transport solvers <c>numerics ot --method</c> selects.</summary>
public enum TransportMethod
{
    /// <summary>Sparsity-constrained transport: at most k non-zeros per column (<see cref="Numerics.Transport.SparseTransport"/>).</summary>
    Sparse,

    /// <summary>Quadratically-regularised transport (<see cref="Numerics.Transport.QuadraticTransport"/>).</summary>
    Quadratic,

    /// <summary>Entropic transport by log-domain Sinkhorn; γ is the entropic ε.</summary>
    Sinkhorn,

    /// <summary>Unregularised transport by network simplex.</summary>
    Exact,
}
