namespace Numerics.Distributed;

/// <summary>
/// Thrown on every rank that learns through a collective that another rank failed (bad input, an
/// unreadable block, a failed factorization): the ranks stop together instead of leaving some of
/// them waiting in the next collective. The rank that failed throws its own exception.
/// </summary>
public sealed class RankFailureException : Exception
{
    /// <summary>A failure elsewhere, described by <paramref name="message"/>.</summary>
    public RankFailureException(string message) : base(message) { }

    /// <summary>A failure elsewhere, described by <paramref name="message"/>, with the cause.</summary>
    public RankFailureException(string message, Exception inner) : base(message, inner) { }

    /// <summary>A failure on another rank.</summary>
    public RankFailureException() : base("Another rank failed.") { }
}
