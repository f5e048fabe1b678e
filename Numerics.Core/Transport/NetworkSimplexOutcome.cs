namespace Numerics.Transport;

/// <summary>How the pivot loop of <see cref="NetworkSimplex"/> ended (before any certificate is checked).</summary>
internal enum NetworkSimplexOutcome
{
    /// <summary>No arc has a significantly negative reduced cost.</summary>
    Optimal,

    /// <summary>The pivot limit was reached.</summary>
    PivotLimit,

    /// <summary>The cancellation token fired.</summary>
    Cancelled,
}
