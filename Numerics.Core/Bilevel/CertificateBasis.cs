namespace Numerics.Bilevel;

/// <summary>
/// What a bilevel result's certificate rests on: the error bounds, the loss bounds, the certified
/// decreases and a <see cref="Numerics.Optimization.SolverStatus.Converged"/> status are proofs only
/// relative to the problem's constants μ, L, ‖B‖, L_A, L_B and L_g.
/// </summary>
public enum CertificateBasis
{
    /// <summary>
    /// The problem declares its constants estimates (<see cref="IBilevelProblem{TVector}.ConstantsCertified"/>
    /// is false): the bounds are estimates too, and Converged means only that the estimated
    /// stationarity measure met the target.
    /// </summary>
    Estimated,

    /// <summary>
    /// A problem outside the library declares its constants proven
    /// (<see cref="IBilevelProblem{TVector}.ConstantsCertified"/> is true): the library cannot check
    /// them, so the certificate holds exactly when the user's μ, L and the other constants are valid
    /// bounds. A strong-convexity μ that is too large, for example, makes every bound too small.
    /// </summary>
    Asserted,

    /// <summary>
    /// One of the library's problems (ridge, TV and field-of-experts denoising, multinomial logistic
    /// regression), whose constants are derived analytically and checked in its tests against
    /// Rayleigh quotients, random pairs and closed forms.
    /// </summary>
    Proven,
}
