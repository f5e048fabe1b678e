namespace Numerics.Transport;

/// <summary>Where the feasible plan behind a certified duality gap came from (<see cref="FeasibleTransportPlan"/>).</summary>
public enum FeasiblePlanSource
{
    /// <summary>The solver's plan rounded onto U(a, b) by <see cref="PlanRounding"/>.</summary>
    Rounded,

    /// <summary>The exact-LP plan rebuilt from α by <see cref="ExactPlanReconstruction"/> (k = 1).</summary>
    Reconstructed,
}
