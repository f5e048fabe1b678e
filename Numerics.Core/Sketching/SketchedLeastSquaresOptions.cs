using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>How <see cref="SketchedLeastSquares.Solve(MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Vector{double}, SketchedLeastSquaresOptions?)"/> computes x.</summary>
public enum LeastSquaresMethod
{
    /// <summary>
    /// x′ = argmin ‖S·A·x − S·b‖ by Householder QR of the m×d sketch: fast and ε-accurate in the ℓ∞
    /// statistic, with a relative error that grows with κ(A) and ‖r‖ (see docs/sketching.md).
    /// </summary>
    SketchAndSolve,

    /// <summary>
    /// Blendenpik: LSQR on A with the sketch's R (or V·Σ⁻¹ when rank-deficient) as right
    /// preconditioner, warm-started from the sketch-and-solve answer, to the tolerance: a drop-in for QR.
    /// </summary>
    SketchAndPrecondition,

    /// <summary>
    /// The dense baseline: Householder QR of A with column pivoting (LAPACK geqp3), which decides
    /// the rank. On a rank-deficient A the answer is the basic solution (zero in the d − rank last
    /// pivoted columns): a least-squares minimiser, not the minimum-norm one.
    /// </summary>
    Qr,

    /// <summary>The dense baseline: minimum-norm solution by SVD (gesdd), any rank.</summary>
    Svd,
}

/// <summary>
/// Options of <see cref="SketchedLeastSquares.Solve(MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Vector{double}, SketchedLeastSquaresOptions?)"/>. The defaults are the documented ones.
/// <see cref="IterativeOptions.Tolerance"/> (sketch-and-precondition): LSQR on B = A·N (N the
/// preconditioner) runs to it, and the status is decided by Paige and Saunders' tests in the original
/// variables on the recomputed r = b − A·x and Aᵀr: Converged when ‖Aᵀr‖ ≤ Tolerance·‖A‖·‖r‖ or
/// ‖r‖ ≤ Tolerance·(‖b‖ + ‖A‖·‖x‖), ‖A‖ estimated by σ_max(R); Stalled when LSQR stops without
/// either holding. Null means max(1e-14, 4·√n·u) (<see cref="LsqrOptions.DefaultToleranceFor"/>),
/// together with a rounding floor: the default also counts test 2 as held when
/// ‖Aᵀr‖ ≤ ‖A‖·max(4·√(n·d)·u·‖r‖, 32·u·(‖b‖ + ‖A‖·‖x‖)) — the evaluation error of Aᵀr, and the level
/// at which even the exact solution rounded to double sits, times the margin of a backward-stable
/// solve — so an answer as accurate as Householder QR's is Converged (docs/sketching.md). A tolerance
/// given explicitly is taken literally, without the floor, and a run stopped by the iteration cap,
/// cancellation or breakdown does not get the floor either.
/// <see cref="IterativeOptions.MaxIterations"/> limits the LSQR iterations of all restarts together;
/// null means <see cref="DefaultMaxIterations"/>. Cancellation applies to the LSQR iterations and to
/// the certificate's pass over A; progress to the LSQR iterations.
/// </summary>
public sealed record SketchedLeastSquaresOptions : IterativeOptions
{
    /// <summary>The method. Default <see cref="LeastSquaresMethod.SketchAndSolve"/>.</summary>
    public LeastSquaresMethod Method { get; init; } = LeastSquaresMethod.SketchAndSolve;

    /// <summary>The sketch. Default <see cref="SketchKind.Srht"/>.</summary>
    public SketchKind Sketch { get; init; } = SketchKind.Srht;

    /// <summary>
    /// The sketch size m (d ≤ m); null uses <see cref="SketchSize.Default"/> with <see cref="Epsilon"/>
    /// and <see cref="Delta"/> when that is at most n/2. Above n/2 a default-sized sketch does not
    /// pay: the solver runs sketch-and-precondition with m = max(4d, ⌈d·ln(d/δ)⌉) when that fits in
    /// n/2, and QR otherwise, and says so in <see cref="LeastSquaresResult.MethodReason"/>.
    /// </summary>
    public int? Rows { get; init; }

    /// <summary>Target ℓ∞ error statistic for the default row count. Default 1.</summary>
    public double Epsilon { get; init; } = 1.0;

    /// <summary>Failure probability for the default row count. Default 0.05.</summary>
    public double Delta { get; init; } = 0.05;

    /// <summary>The sketch seed (also of the certificate's independent Gaussian sketch, on its own stream). Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Compute the per-coordinate ℓ∞ bound <see cref="LeastSquaresResult.LinfBound"/>. It costs an
    /// independent Gaussian sketch of A: m₂·n normal numbers and a 2·m₂·n·d-flop product, several
    /// times the sketch-and-solve itself (about 7× at 131072×256), so it is asked for, not implied.
    /// Default false.
    /// </summary>
    public bool Certificate { get; init; }

    /// <summary>
    /// Report the singular values of the sketch's R (<see cref="LeastSquaresResult.SingularValues"/>):
    /// one values-only SVD of a d×d matrix. The factorization computes them anyway when the sketch is
    /// ill-conditioned (estimated κ above 1e7) or rank-deficient. Default false.
    /// </summary>
    public bool SingularValues { get; init; }

    /// <summary>δ_c: the bound holds with probability at least 1 − δ_c over the certificate's Gaussian sketch. Default 1e-6; in (0, 1).</summary>
    public double CertificateFailureProbability { get; init; } = DefaultCertificateFailureProbability;

    /// <summary>m₂, the rows of the certificate's Gaussian sketch (≥ d + 1); null means max(2d, d + 50).</summary>
    public int? CertificateRows { get; init; }

    /// <summary>
    /// Relative cut-off for the rank, as scipy's <c>rcond</c>: singular values at or below
    /// Rcond·σ̂_max(A) count as zero. Null means max(n, d)·ε_machine, the rule of the SVD baseline
    /// (<see cref="LinearAlgebra.DenseBaselines.DefaultRelativeCutoff"/>). The sketch methods apply it
    /// to the singular values of the sketch's R with σ̂_max(A) = σ_max(R), the QR method to the
    /// diagonal of the pivoted R relative to |r₁₁|, the SVD method to σ(A). In [0, 1).
    /// </summary>
    public double? Rcond { get; init; }

    /// <summary>
    /// The ridge term λ: every method then solves min ‖A·x − b‖² + λ²·‖x‖², the least-squares
    /// problem of [A; λ·I] and [b; 0] (as LSQR's damp and scipy's lsqr). The sketch methods sketch it
    /// as [S·A; λ·I] without copying A; the dense methods factor the stacked matrix (a copy). The
    /// result's residual norms are then those of the stacked problem: ‖[b − A·x; −λ·x]‖ and
    /// ‖Aᵀ(b − A·x) − λ²·x‖. Not combined with <see cref="Certificate"/>. Default 0; finite, ≥ 0.
    /// </summary>
    public double Damp { get; init; }

    /// <summary>Where S·[A | b] is computed. Default <see cref="CpuSketchBackend.Instance"/>.</summary>
    public ISketchBackend? Backend { get; init; }

    /// <summary>The smallest default tolerance (see <see cref="LsqrOptions.DefaultToleranceFor"/>).</summary>
    public const double DefaultTolerance = LsqrOptions.DefaultTolerance;

    /// <summary>The default <see cref="CertificateFailureProbability"/>.</summary>
    public const double DefaultCertificateFailureProbability = 1e-6;

    /// <summary>The LSQR iteration limit when <see cref="IterativeOptions.MaxIterations"/> is null (the preconditioned system has κ ≲ 3, so about 40 reach 1e-14).</summary>
    public const int DefaultMaxIterations = 100;

    /// <inheritdoc />
    /// <remarks>Also rejects a negative or non-finite Damp, Damp with Certificate, an undefined method or sketch, an rcond outside [0, 1), a failure probability outside (0, 1), fewer than 1 certificate row or sketch row, and Epsilon or Delta out of range.</remarks>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!Enum.IsDefined(Method)) throw new ArgumentException($"Unknown method {Method}.", paramName);
        if (!Enum.IsDefined(Sketch)) throw new ArgumentException($"Unknown sketch {Sketch}.", paramName);
        if (Rcond is { } rc && !(rc >= 0 && rc < 1)) throw new ArgumentException($"Rcond must lie in [0, 1), got {rc}.", paramName);
        if (!(CertificateFailureProbability > 0 && CertificateFailureProbability < 1))
            throw new ArgumentException($"CertificateFailureProbability must lie in (0, 1), got {CertificateFailureProbability}.", paramName);
        if (CertificateRows is < 1) throw new ArgumentException($"CertificateRows must be positive, got {CertificateRows}.", paramName);
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentException($"Epsilon must be positive and finite, got {Epsilon}.", paramName);
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"Delta must lie in (0, 1), got {Delta}.", paramName);
        if (Rows is < 1) throw new ArgumentException($"Rows must be positive, got {Rows}.", paramName);
        if (!(Damp >= 0) || !double.IsFinite(Damp)) throw new ArgumentException($"Damp must be finite and non-negative, got {Damp}.", paramName);
        if (Damp > 0 && Certificate) throw new ArgumentException("The ℓ∞ certificate is not available with Damp > 0.", paramName);
    }
}
