using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Options of <see cref="SparseTransport"/>. <see cref="IterativeOptions.Tolerance"/> bounds the total
/// marginal error of the returned plan, Σᵢ|(T·1)ᵢ − aᵢ| + Σⱼ|(Tᵀ·1)ⱼ − bⱼ| = ‖∇f‖₁ (the mass it
/// misplaces; the semi-dual's column part is rounding level): default <see cref="DefaultTolerance"/>.
/// <see cref="IterativeOptions.MaxIterations"/> defaults to <see cref="DefaultMaxIterations"/>.
/// </summary>
/// <remarks>
/// The 1-norm, not the largest entry, because it does not depend on the problem's size: with n
/// targets the marginals' entries are of order 1/n, so a tolerance on max |T·1 − a| asks for more
/// relative accuracy the larger the problem, while the misplaced mass means the same at every size.
/// </remarks>
public sealed record SparseTransportOptions : IterativeOptions
{
    /// <summary>
    /// The default tolerance on the total marginal error Σ|T·1 − a| + Σ|Tᵀ·1 − b|: 1e-6, the accuracy to
    /// which the input marginals themselves are trusted (<see cref="TransportInput.MassTolerance"/>);
    /// ask for less when the marginals are exact.
    /// </summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary>
    /// The default iteration limit, 2000. POT's numItermax of 500 is too few at uniform marginals: there
    /// the dual's Hessian, (1/γ)·Σⱼ (projection onto column j's support), couples sources only through
    /// shared columns, like the Laplacian of a graph over the point cloud, and its conditioning grows
    /// with n. Measured on the built-in 2-D point clouds (γ = 1, C/max C) to a marginal error of 1e-6:
    /// 259, 395 and 763 iterations at n = 500, 1000 and 2000.
    /// </summary>
    public const int DefaultMaxIterations = 2000;

    /// <summary>
    /// γ &gt; 0, the weight of the regulariser (γ/2)‖T‖²; default 1 (the official code's default).
    /// Smaller γ brings the plan closer to unregularised transport and makes the dual less smooth.
    /// The notebooks scale C by its maximum first, so γ = 1 is relative to costs of order 1.
    /// </summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>Which dual to maximise; default <see cref="TransportFormulation.SemiDual"/> (the paper's notebooks' choice).</summary>
    public TransportFormulation Formulation { get; init; } = TransportFormulation.SemiDual;

    /// <summary>L-BFGS's correction pairs; default 10 (SciPy's maxcor and JAXopt's history size).</summary>
    public int History { get; init; } = 10;

    /// <summary>Warm start for α (length m); null: α₀ = 0 (the official code's start).</summary>
    public Vector<double>? InitialAlpha { get; init; }

    /// <summary>Warm start for β (length n), dual formulation only; null: β₀ = 0.</summary>
    public Vector<double>? InitialBeta { get; init; }

    /// <summary>
    /// Checks the shared fields, γ positive, finite and with 1/γ finite, History ≥ 1, and that a β warm start comes
    /// with the dual; a violation throws <see cref="ArgumentException"/> naming <paramref name="paramName"/>.
    /// </summary>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        // The projection scales by 1/γ: below 1/double.MaxValue (≈ 5.6e-309) that overflows.
        if (!(Gamma > 0) || !double.IsFinite(Gamma) || !double.IsFinite(1 / Gamma))
            throw new ArgumentException($"SparseTransportOptions.Gamma must be positive, finite and at least 1/double.MaxValue (≈ 5.6e-309), got {Gamma}.", paramName);
        if (History < 1) throw new ArgumentException($"SparseTransportOptions.History must be at least 1, got {History}.", paramName);
        if (!Enum.IsDefined(Formulation)) throw new ArgumentException($"SparseTransportOptions.Formulation {Formulation} is not defined.", paramName);
        if (InitialBeta is not null && Formulation != TransportFormulation.Dual)
            throw new ArgumentException("SparseTransportOptions.InitialBeta applies to the dual formulation only.", paramName);
    }

    /// <summary>
    /// ε of the approximate-Wolfe band (<see cref="StrongWolfeLineSearch.FlatTolerance"/>): 1e-10, a few
    /// orders above the relative rounding of f, a sum of n column terms (at most n·u ≈ 4e-13 at
    /// n = 2000), so trials that differ by rounding alone are judged by their slopes. Without it a
    /// uniform-marginal solve at n = 2000 stalls at a total marginal error of 1.1e-6, where a step's
    /// decrease (about ‖∇f‖²·γ) falls below f's rounding; with it the same solve reaches 1e-6
    /// (measured: ε = 1e-10 and 1e-13 take the same steps there). The duals are convex, so a slope
    /// test cannot accept a step that raises f beyond that band.
    /// </summary>
    internal const double FlatTolerance = 1e-10;

    /// <summary>The line search of every transport solve: strong Wolfe, with the approximate-Wolfe test inside the flat band.</summary>
    private static readonly StrongWolfeLineSearch FlatAwareSearch = new(flatTolerance: FlatTolerance);

    /// <summary>The tolerance in force: <see cref="IterativeOptions.Tolerance"/> or <see cref="DefaultTolerance"/>.</summary>
    internal double ResolvedTolerance => Tolerance ?? DefaultTolerance;

    /// <summary>The L-BFGS options these stand for.</summary>
    internal LbfgsOptions ToLbfgs() => new()
    {
        Tolerance = ResolvedTolerance,
        GradientNorm = VectorNorm.One,
        LineSearch = FlatAwareSearch,
        // The approximate-Wolfe search judges steps in the flat band by their slopes, so f may not fall
        // there; progress is measured by the gradient, and the f-based stall rule is switched off.
        StallWindow = int.MaxValue,
        MaxIterations = MaxIterations ?? DefaultMaxIterations,
        History = History,
        StallDecrease = 0,
        CancellationToken = CancellationToken,
        Progress = Progress,
    };
}
