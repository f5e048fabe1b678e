namespace Numerics.Spectral;

/// <summary>Diagnostics of one <see cref="SpectralOptimizer.Step(IReadOnlyDictionary{string, MathNet.Numerics.LinearAlgebra.Matrix{double}}, IReadOnlyDictionary{string, MathNet.Numerics.LinearAlgebra.Matrix{double}})"/>.</summary>
/// <param name="Step">The step number t (1-based), equal to <see cref="SpectralOptimizer.StepCount"/> after the step.</param>
/// <param name="GradientNorm">The ℓ₂ norm of all gradients together, after the pre-clip and before the global-norm clip.</param>
/// <param name="GradientScale">The factor the global-norm clip applied to every gradient (1 when it did not act).</param>
/// <param name="Clips">Newton–Schulz runs (pre-clips, post-clips and orthogonalisations of matrices). Vectors are clipped in closed form and not counted.</param>
/// <param name="Fallbacks">Runs among <paramref name="Clips"/> whose Newton–Schulz result could not be certified and was recomputed by the fallback chain (eigen path, then SVD).</param>
/// <param name="FallbackParameters">The parameters of those runs, in step order (a name twice when both its pre- and post-clip fell back).</param>
public sealed record SpectralStepReport(int Step, double GradientNorm, double GradientScale, int Clips, int Fallbacks,
    IReadOnlyList<string> FallbackParameters);
