using Numerics.Optimization;

namespace Numerics.Testing;

/// <summary>
/// A symmetric operator stated on host arrays, y ← A·x, exposed on any vector storage by copying x
/// down and y up: the solver under test runs on the backend, the matrix lives on the host.
/// </summary>
public sealed class HostSymmetricOperator<TVector>(VectorBackend<TVector> backend, int dimension, Action<double[], double[]> apply)
    : ISymmetricOperator<TVector>
{
    /// <summary>Products so far.</summary>
    public int Applications { get; private set; }

    /// <inheritdoc />
    public int Dimension => dimension;

    /// <inheritdoc />
    public void Apply(TVector x, TVector y)
    {
        Applications++;
        var xh = backend.Download(x);
        var yh = new double[dimension];
        apply(xh, yh);
        backend.CopyFromHost(yh, y);
    }
}
