using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Bilevel;

/// <summary>
/// Ridge regression with a learned regularisation weight: the lower level
/// h(x, θ) = ½‖Xx − y‖² + ½e^θ‖x‖² fits the training data, the upper level
/// g(x) = ½‖X_v x − y_v‖² scores the fit on validation data, and θ = log λ (one parameter).
/// </summary>
/// <remarks>
/// All constants are exact up to rounding, from one singular value decomposition of each matrix:
/// μ = σ_min(X)² + λ, L = σ_max(X)² + λ, B = ∂∇ₓh/∂θ = λx so ‖B‖ = λ‖x‖ and L_B = λ, L_A = 0
/// (h is quadratic in x), L_g = σ_max(X_v)². Each singular value is widened by a rounding margin
/// so that the constants stay bounds. The exact solution x̂ = (XᵀX + λI)⁻¹Xᵀy makes the problem
/// the closed-form check of the solvers.
/// </remarks>
public sealed class RidgeProblem : IBilevelProblem<double[]>, IProvenConstants
{
    private readonly Matrix<double> _x, _xv;
    private readonly Vector<double> _y, _yv;
    private readonly double _sigmaMinSquared, _sigmaMaxSquared;

    /// <summary>A ridge problem on training data (X, y) and validation data (X_v, y_v).</summary>
    /// <exception cref="ArgumentException">Shapes disagree, a matrix is empty, or an entry is NaN/∞.</exception>
    public RidgeProblem(Matrix<double> features, Vector<double> targets, Matrix<double> validationFeatures, Vector<double> validationTargets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(validationFeatures);
        ArgumentNullException.ThrowIfNull(validationTargets);
        if (features.RowCount == 0 || features.ColumnCount == 0) throw new ArgumentException("features is empty.", nameof(features));
        if (validationFeatures.RowCount == 0) throw new ArgumentException("validationFeatures is empty.", nameof(validationFeatures));
        if (targets.Count != features.RowCount)
            throw new ArgumentException($"targets has {targets.Count} entries; features has {features.RowCount} rows.", nameof(targets));
        if (validationFeatures.ColumnCount != features.ColumnCount)
            throw new ArgumentException($"validationFeatures has {validationFeatures.ColumnCount} columns; features has {features.ColumnCount}.", nameof(validationFeatures));
        if (validationTargets.Count != validationFeatures.RowCount)
            throw new ArgumentException($"validationTargets has {validationTargets.Count} entries; validationFeatures has {validationFeatures.RowCount} rows.", nameof(validationTargets));
        RequireFinite(features.AsColumnMajorArray() ?? features.ToColumnMajorArray(), nameof(features));
        RequireFinite(targets.AsArray() ?? targets.ToArray(), nameof(targets));
        RequireFinite(validationFeatures.AsColumnMajorArray() ?? validationFeatures.ToColumnMajorArray(), nameof(validationFeatures));
        RequireFinite(validationTargets.AsArray() ?? validationTargets.ToArray(), nameof(validationTargets));
        _x = features.Clone();
        _y = targets.Clone();
        _xv = validationFeatures.Clone();
        _yv = validationTargets.Clone();
        (_sigmaMinSquared, _sigmaMaxSquared) = SingularValueRange.Squared(_x);
        UpperSmoothness = SingularValueRange.Squared(_xv).Max;
    }

    /// <inheritdoc />
    public int ParameterCount => 1;

    /// <inheritdoc />
    public int LowerDimension => _x.ColumnCount;

    /// <inheritdoc />
    public double UpperSmoothness { get; }

    /// <inheritdoc />
    public bool ConstantsCertified => true;

    /// <inheritdoc />
    public void StartingPoint(ReadOnlySpan<double> theta, double[] x) => Array.Clear(x);

    /// <inheritdoc />
    public double UpperLoss(double[] x, double[] gradient)
    {
        var r = _xv * Wrap(x) - _yv;
        _xv.TransposeThisAndMultiply(r, Wrap(gradient));
        return 0.5 * (r * r);
    }

    /// <inheritdoc />
    public double LowerObjective(ReadOnlySpan<double> theta, double[] x, double[] gradient)
    {
        double lambda = Math.Exp(theta[0]);
        var xv = Wrap(x);
        var r = _x * xv - _y;
        var g = Wrap(gradient);
        _x.TransposeThisAndMultiply(r, g);
        g.Add(lambda * xv, g);
        return 0.5 * (r * r) + 0.5 * lambda * (xv * xv);
    }

    /// <inheritdoc />
    public void LowerHessianProduct(ReadOnlySpan<double> theta, double[] x, double[] v, double[] result)
    {
        double lambda = Math.Exp(theta[0]);
        var vv = Wrap(v);
        var res = Wrap(result);
        _x.TransposeThisAndMultiply(_x * vv, res);
        res.Add(lambda * vv, res);
    }

    /// <inheritdoc />
    public void MixedProductTranspose(ReadOnlySpan<double> theta, double[] x, double[] v, Span<double> result) =>
        result[0] = Math.Exp(theta[0]) * (Wrap(x) * Wrap(v));

    /// <inheritdoc />
    public LowerLevelConstants Constants(ReadOnlySpan<double> theta, double[] x)
    {
        double lambda = Math.Exp(theta[0]);
        return new LowerLevelConstants(_sigmaMinSquared + lambda, _sigmaMaxSquared + lambda, lambda * Wrap(x).L2Norm(), 0.0, lambda);
    }

    private static Vector<double> Wrap(double[] x) => Vector<double>.Build.Dense(x);

    private static void RequireFinite(double[] values, string paramName)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) throw new ArgumentException($"{paramName} contains a non-finite value.", paramName);
    }
}
