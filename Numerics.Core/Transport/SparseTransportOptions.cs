using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Options of <see cref="SparseTransport"/>. <see cref="IterativeOptions.Tolerance"/> bounds the
/// largest marginal violation, ‖∇f‖∞ = max |T·1 − a| (and |Tᵀ·1 − b| for the dual): default 1e-9,
/// the stopping threshold of POT's <c>smooth_ot_semi_dual</c>/<c>smooth_ot_dual</c> (passed to
/// SciPy's L-BFGS-B as its gtol). <see cref="IterativeOptions.MaxIterations"/> defaults to 500 (POT's
/// numItermax and the paper's notebooks).
/// </summary>
public sealed record SparseTransportOptions : IterativeOptions
{
    /// <summary>The default tolerance on the largest marginal violation (POT's stopThr).</summary>
    public const double DefaultTolerance = 1e-9;

    /// <summary>The default iteration limit (POT's numItermax, the notebooks' maxiter).</summary>
    public const int DefaultMaxIterations = 500;

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

    /// <summary>The L-BFGS options these stand for.</summary>
    internal LbfgsOptions ToLbfgs() => new()
    {
        Tolerance = Tolerance ?? DefaultTolerance,
        MaxIterations = MaxIterations ?? DefaultMaxIterations,
        History = History,
        StallDecrease = 0,
        CancellationToken = CancellationToken,
        Progress = Progress,
    };
}
