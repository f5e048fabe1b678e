namespace Numerics.Testing;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler on the reporting thread, before the solver
/// continues (<see cref="Progress{T}"/> posts to the thread pool, too late for a test that cancels
/// at a given iteration).
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <summary>Every record received, in order.</summary>
    public List<T> Records { get; } = [];

    /// <inheritdoc />
    public void Report(T value)
    {
        Records.Add(value);
        handler(value);
    }
}
