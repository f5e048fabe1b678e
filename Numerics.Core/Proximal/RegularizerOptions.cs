using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>
/// How <see cref="LearnedRegularizer.Evaluate"/> inverts the prox. <see cref="IterativeOptions.Tolerance"/>
/// bounds the inversion residual: a point converges when ‖f(ŷ) − x‖₂ ≤ Tolerance·(1 + ‖x‖₂), default
/// 1e-8. <see cref="IterativeOptions.MaxIterations"/> limits L-BFGS per point, default 1000.
/// </summary>
/// <remarks>
/// The official code never enforces an accuracy (it runs a fixed number of Adam steps or SciPy's CG
/// with its defaults); here the residual is part of the answer.
/// </remarks>
public sealed record RegularizerOptions : IterativeOptions
{
    /// <summary>The default relative inversion tolerance.</summary>
    public const double DefaultTolerance = 1e-8;

    /// <summary>The default L-BFGS iteration limit per point.</summary>
    public const int DefaultMaxIterations = 1000;
}
