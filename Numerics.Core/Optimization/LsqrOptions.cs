namespace Numerics.Optimization;

/// <summary>
/// Options of <see cref="Lsqr.Solve"/>: Paige &amp; Saunders' stopping rules (ACM TOMS 8(1), 1982,
/// §6; the same as scipy.sparse.linalg.lsqr) on Ā = [A; damp·I], b̄ = [b; 0], r̄ = b̄ − Ā·x:
/// <list type="number">
/// <item>test 1 (compatible systems): ‖r̄‖ ≤ <see cref="Btol"/>·‖b‖ + atol·‖Ā‖·‖x‖;</item>
/// <item>test 2 (least squares): ‖Āᵀr̄‖ ≤ atol·‖Ā‖·‖r̄‖;</item>
/// <item>test 3: the condition estimate σ̂_max/σ̂_min of Ā reaches <see cref="Conlim"/>.</item>
/// </list>
/// atol is <see cref="IterativeOptions.Tolerance"/>. ‖Ā‖ is σ̂_max, the largest singular value of
/// the Golub–Kahan bidiagonal so far: a lower bound on ‖Ā‖₂, so the tests are never looser than
/// with the true norm.
/// </summary>
/// <remarks>
/// <para><b>Defaults.</b> <see cref="IterativeOptions.Tolerance"/> null means atol = btol =
/// max(<see cref="DefaultTolerance"/>, 4·√rows·u) (<see cref="DefaultToleranceFor"/>): 1e-14, or the
/// accuracy to which Aᵀ(b − A·x) can be evaluated in double for this many rows when that is larger
/// (4.0e-14 at 131072 rows). There is no looser acceptance: a tolerance that the recomputed residual
/// cannot meet ends with <see cref="SolverStatus.Stalled"/> and the values it
/// reached. <see cref="Btol"/> null means the same value as atol. <see cref="Conlim"/> default 1e8
/// (scipy's); 0 disables test 3. <see cref="IterativeOptions.MaxIterations"/> null means
/// 4·Columns, at least 100, counted over restarts. Progress reports (iteration, ‖r̄‖, ‖Āᵀr̄‖) as
/// the recurrence estimates them.</para>
/// <para>Before LSQR reported convergence on the recurrence's own estimates and had one
/// <c>ResidualTolerance</c>; that is now <see cref="Btol"/>, and a status is earned on a residual
/// recomputed from x (see <see cref="Lsqr"/>).</para>
/// </remarks>
public sealed record LsqrOptions : IterativeOptions
{
    /// <summary>The smallest default atol and btol (see <see cref="DefaultToleranceFor"/>).</summary>
    public const double DefaultTolerance = 1e-14;

    /// <summary>The default <see cref="Conlim"/> (scipy's).</summary>
    public const double DefaultConlim = 1e8;

    /// <summary>btol of test 1 (‖r̄‖ ≤ btol·‖b‖ + atol·‖Ā‖·‖x‖); null: the same as atol.</summary>
    public double? Btol { get; init; }

    /// <summary>Test 3 stops when the condition estimate of Ā reaches Conlim (status <see cref="SolverStatus.Stalled"/> unless test 1 or 2 also holds); 0 disables it. Default 1e8.</summary>
    public double Conlim { get; init; } = DefaultConlim;

    /// <summary>The ridge term: LSQR solves min ‖A·x − b‖² + Damp²·‖x‖². Default 0.</summary>
    public double Damp { get; init; }

    /// <summary>The default atol and btol for an operator with <paramref name="rows"/> rows: max(1e-14, 4·√rows·u), u = 2⁻⁵³.</summary>
    public static double DefaultToleranceFor(int rows) => Math.Max(DefaultTolerance, 4 * Math.Sqrt(Math.Max(1, rows)) * 1.1102230246251565e-16);

    /// <inheritdoc />
    /// <remarks>Also rejects a negative, infinite or NaN <see cref="Btol"/>, <see cref="Conlim"/> or <see cref="Damp"/>.</remarks>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (Btol is { } bt && (!(bt >= 0) || !double.IsFinite(bt)))
            throw new ArgumentException($"LsqrOptions.Btol must be non-negative and finite, got {bt}.", paramName);
        if (!(Conlim >= 0) || double.IsNaN(Conlim))
            throw new ArgumentException($"LsqrOptions.Conlim must be non-negative, got {Conlim}.", paramName);
        if (!(Damp >= 0) || !double.IsFinite(Damp))
            throw new ArgumentException($"LsqrOptions.Damp must be non-negative and finite, got {Damp}.", paramName);
    }
}
