namespace Numerics.Distributed;

/// <summary>The group of one process: every collective is the identity and nothing is communicated.</summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    /// <summary>The one shared instance (it holds no state).</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    private SingleProcessCommunicator() { }

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public void AllreduceSum(Span<double> values) { }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not 0.</exception>
    public void Broadcast(Span<double> values, int root) =>
        ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0);

    /// <inheritdoc/>
    public bool AllAgree(bool ok) => ok;

    /// <inheritdoc/>
    public long BytesCommunicated => 0;
}
