using Numerics.Optimization;

namespace Numerics.Testing;

/// <summary>
/// A test objective stated on host arrays, f(x, ∇f) → value, exposed on any vector storage by
/// copying x down and ∇f up: the solver under test runs on the backend, the problem on the host.
/// </summary>
public sealed class HostObjective<TVector>(VectorBackend<TVector> backend, int dimension, Func<double[], double[], double> evaluate)
    : IDifferentiableObjective<TVector>
{
    /// <summary>Evaluations so far.</summary>
    public int Evaluations { get; private set; }

    /// <inheritdoc />
    public int Dimension => dimension;

    /// <inheritdoc />
    public double Evaluate(TVector x, TVector gradient)
    {
        Evaluations++;
        var xh = backend.Download(x);
        var g = new double[dimension];
        double f = evaluate(xh, g);
        backend.CopyFromHost(g, gradient);
        return f;
    }
}
