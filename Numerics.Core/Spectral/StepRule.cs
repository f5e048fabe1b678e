namespace Numerics.Spectral;

/// <summary>How the soft clip decides when to stop.</summary>
public enum StepRule
{
    /// <summary>Check the residual every step (one norm per step; on a GPU, one host synchronisation per step). Default.</summary>
    Residual,

    /// <summary>
    /// Run the step count <see cref="NewtonSchulz.PredictedSteps"/> gives for α = 1 + ŝ/c², the
    /// worst case over the spectrum, and compute the residual once at the end: no per-step
    /// synchronisation on a GPU, at the price of possibly one or two unneeded steps.
    /// </summary>
    Predicted,
}
