using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Spectral;

/// <summary>
/// AdamW: U = m̂/(√v̂ + ε) with bias-corrected EMAs, formed by <see cref="Adam"/> (one per named
/// parameter, over the matrix's column-major values); the decay and the step are applied by
/// <see cref="SpectralOptimizer"/> after the direction is clipped.
/// </summary>
public sealed class AdamW : SpectralOptimizer
{
    private readonly AdamOptions _adam;
    private readonly Dictionary<string, Adam> _state = [];

    /// <summary>An AdamW optimizer (defaults when <paramref name="options"/> is null).</summary>
    /// <exception cref="ArgumentException">Beta1 or Beta2 outside [0, 1), Epsilon not positive, or a shared option out of range.</exception>
    public AdamW(AdamWOptions? options = null) : base(options ?? new AdamWOptions())
    {
        var o = options ?? new AdamWOptions();
        // Only the moment update of Adam is used here: learning rate, warmup and decay belong to
        // SpectralOptimizer, because the decay must stay outside the clip.
        _adam = new AdamOptions { Beta1 = o.Beta1, Beta2 = o.Beta2, Epsilon = o.Epsilon };
        _adam.Validate(nameof(options));
    }

    /// <inheritdoc />
    protected override Matrix<double> Direction(string name, Matrix<double> g, int t)
    {
        if (!_state.TryGetValue(name, out var adam)) _state[name] = adam = new Adam(g.RowCount * g.ColumnCount, _adam);
        var u = new double[adam.Length];
        adam.Direction(DenseStorage.ColumnMajor(g), u);
        return Matrix<double>.Build.Dense(g.RowCount, g.ColumnCount, u);
    }
}
