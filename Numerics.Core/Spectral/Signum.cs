using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>Signum with Nesterov momentum: m ← βm + g, U = sign(g + βm).</summary>
public sealed class Signum : SpectralOptimizer
{
    private readonly SignumOptions _o;

    /// <summary>A Signum optimizer (defaults when <paramref name="options"/> is null).</summary>
    public Signum(SignumOptions? options = null) : base(options ?? new SignumOptions())
    {
        _o = options ?? new SignumOptions();
        if (!(_o.Momentum is >= 0 and < 1)) throw new ArgumentException($"Momentum must lie in [0, 1), got {_o.Momentum}.", nameof(options));
    }
    private readonly Dictionary<string, Matrix<double>> _momentum = [];

    /// <inheritdoc />
    protected override Matrix<double> Direction(string name, Matrix<double> g, int t)
    {
        if (!_momentum.TryGetValue(name, out var m)) _momentum[name] = m = g * 0;
        m.Multiply(_o.Momentum, m);
        m.Add(g, m);
        return (g + _o.Momentum * m).Map(v => (double)Math.Sign(v));
    }
}
