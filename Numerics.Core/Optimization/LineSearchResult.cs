namespace Numerics.Optimization;

/// <summary>The outcome of one <see cref="ILineSearch.Search{TVector}"/> along φ(α) = f(x + α·d).</summary>
/// <param name="Step">α: the accepted step when <paramref name="Satisfied"/>; otherwise the best step found that gives sufficient decrease (0 when none did).</param>
/// <param name="Value">φ(α).</param>
/// <param name="Slope">φ′(α) = ∇f(x + α·d)ᵀd.</param>
/// <param name="Evaluations">Objective evaluations the search made, including trials whose value was not finite.</param>
/// <param name="Satisfied">
/// True when both strong-Wolfe conditions hold at <paramref name="Step"/> with the search's constants:
/// φ(α) ≤ φ(0) + c₁·α·φ′(0) and |φ′(α)| ≤ c₂·|φ′(0)|. False means the search failed (evaluation limit,
/// a bracket that shrank to rounding level, or no minimiser below the largest step), and the caller
/// must not take the step.
/// </param>
public readonly record struct LineSearchResult(double Step, double Value, double Slope, int Evaluations, bool Satisfied);
