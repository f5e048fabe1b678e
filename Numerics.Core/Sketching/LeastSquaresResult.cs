using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>
/// The outcome of <see cref="SketchedLeastSquares.Solve(MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Vector{double}, SketchedLeastSquaresOptions?)"/>, shaped like scipy.linalg.lstsq where it
/// can be (solution, residual norm, rank, singular values, rcond) plus the solver's status and the
/// ℓ∞ certificate. Norms are recomputed from <see cref="X"/> on A and b, not taken from a recurrence.
/// </summary>
public sealed record LeastSquaresResult
{
    /// <summary>The solution (length d).</summary>
    public required MathNet.Numerics.LinearAlgebra.Vector<double> X { get; init; }

    /// <summary>The method used (see <see cref="MethodReason"/> when it is not the one requested).</summary>
    public required LeastSquaresMethod Method { get; init; }

    /// <summary>Why <see cref="Method"/> or <see cref="SketchRows"/> differ from the request (the default sketch would exceed n/2); null when they do not.</summary>
    public string? MethodReason { get; init; }

    /// <summary>The sketch used, or null for the dense baselines.</summary>
    public SketchKind? Sketch { get; init; }

    /// <summary>The sketch size m (0 for the dense baselines).</summary>
    public int SketchRows { get; init; }

    /// <summary>The numerical rank found with <see cref="Rcond"/> (see <see cref="SketchedLeastSquaresOptions.Rcond"/> for what each method counts).</summary>
    public required int Rank { get; init; }

    /// <summary>True when the rank is below d: X is then the minimum-norm solution of the sketched (or, for SVD, exact) problem, or QR's basic solution.</summary>
    public bool RankDeficient { get; init; }

    /// <summary>The relative cut-off used for the rank (scipy's rcond).</summary>
    public double Rcond { get; init; }

    /// <summary>
    /// Singular values, descending: those of the sketch's R factor (= of S·A, within the sketch's
    /// distortion of A's) for the sketch methods when computed (see
    /// <see cref="SketchedLeastSquaresOptions.SingularValues"/>), those of A for the SVD method, null for QR.
    /// </summary>
    public double[]? SingularValues { get; init; }

    /// <summary>How the sketch's R was computed (sketch methods): "Cholesky-QR", "CholeskyQR2" or "Householder"; null for the dense methods.</summary>
    public string? Factorization { get; init; }

    /// <summary>
    /// Converged; for sketch-and-precondition only when <see cref="StopTest"/> holds on the
    /// recomputed residual, else MaxIterations, Stalled (refinement could not improve it;
    /// <see cref="RelativeNormalResidual"/> is the value reached), Breakdown or Cancelled. The direct
    /// methods (sketch-and-solve, QR, SVD) have no tolerance and report Converged when they complete.
    /// </summary>
    public required SolverStatus Status { get; init; }

    /// <summary>Which LSQR test held (sketch-and-precondition); <see cref="LsqrStopTest.None"/> for the direct methods.</summary>
    public LsqrStopTest StopTest { get; init; }

    /// <summary>LSQR iterations over all restarts (0 for the direct methods).</summary>
    public int Iterations { get; init; }

    /// <summary>‖b − A·x‖₂, computed; with <see cref="SketchedLeastSquaresOptions.Damp"/> = λ &gt; 0 the stacked ‖[b − A·x; −λ·x]‖₂.</summary>
    public required double ResidualNorm { get; init; }

    /// <summary>‖Aᵀ(b − A·x)‖₂, computed (with damping λ: ‖Aᵀ(b − A·x) − λ²·x‖₂, the gradient of the damped objective).</summary>
    public double? NormalResidualNorm { get; init; }

    /// <summary>
    /// Sketch-and-precondition: ‖Bᵀr‖/(‖B‖·‖r‖) on B = A·N from the recomputed residual, the value
    /// LSQR's test 2 compares with the tolerance (‖B‖ is LSQR's estimate from below); null otherwise.
    /// </summary>
    public double? RelativeNormalResidual { get; init; }

    /// <summary>
    /// Per-coordinate bound |xᵢ − x*ᵢ| ≤ LinfBound[i], x* the exact least-squares solution, holding
    /// with probability at least 1 − <see cref="CertificateFailureProbability"/> over the certificate's
    /// own Gaussian sketch, up to the rounding model it adds (see docs/sketching.md for exactly what is
    /// proven). Null when not requested, for the dense methods and for a rank-deficient sketch.
    /// </summary>
    public double[]? LinfBound { get; init; }

    /// <summary>The failure probability of <see cref="LinfBound"/>; null when there is no bound.</summary>
    public double? CertificateFailureProbability { get; init; }

    /// <summary>
    /// An estimate (not a bound) of κ(A·N): σ_max/σ_min of LSQR's bidiagonal when LSQR took more
    /// than two iterations, otherwise κ(G·A·N)·(1 − √(d/m₂))/(1 + √(d/m₂)) from the certificate's
    /// sketch (its expected distortion divided out); null when neither ran.
    /// </summary>
    public double? PreconditionedCondition { get; init; }

    /// <summary>Seconds spent computing the sketch.</summary>
    public double SketchSeconds { get; init; }
}
