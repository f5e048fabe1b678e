using System.Diagnostics;
using System.Numerics;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Spectral;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Spectral;

/// <summary>
/// A seeded random search over shapes, spectra, clip levels, precisions, modes, schedules and the
/// fallback switch, checking every result against the documented semantics of
/// <see cref="SpectralClip.Apply{T}"/> with the SVD of the input as stored as the oracle.
/// </summary>
public sealed class SpectralClipSearchTests(ITestOutputHelper output)
{
    /// <summary>One configuration of the options: the mode and the Newton–Schulz options it runs with.</summary>
    private sealed record Schedule(string Name, SpectralMode Mode, NewtonSchulzOptions Options);

    private static readonly Schedule[] s_schedules =
    [
        new("soft adaptive residual", SpectralMode.Soft, new()),
        new("soft adaptive predicted", SpectralMode.Soft, new() { StepRule = StepRule.Predicted }),
        new("soft coupled residual", SpectralMode.Soft, new() { SoftSchedule = SoftClipSchedule.Coupled }),
        new("soft coupled predicted", SpectralMode.Soft, new() { SoftSchedule = SoftClipSchedule.Coupled, StepRule = StepRule.Predicted }),
        new("soft coupled 10 steps (official)", SpectralMode.Soft, new() { SoftSchedule = SoftClipSchedule.Coupled, Steps = 10 }),
        new("soft adaptive 10 steps", SpectralMode.Soft, new() { Steps = 10 }),
        new("hard", SpectralMode.Hard, new()),
        new("polar converged", SpectralMode.Polar, new()),
        new("polar express", SpectralMode.Polar, new() { PolarSchedule = PolarSchedule.PolarExpress }),
        new("polar muon", SpectralMode.Polar, new() { PolarSchedule = PolarSchedule.Muon }),
    ];

    /// <summary>Random draws per (schedule, precision, fallback): 10 × 2 × 2 × 100 = 4000 cases.</summary>
    private const int DrawsPerConfiguration = 100;

    /// <summary>
    /// Input singular values at or below this fraction of σ_max are the generator's exact zeros (as
    /// stored: fp32 storage leaves them near u_T·σ_max); the smallest non-zero one is 10⁻³σ_max.
    /// </summary>
    private const double NullLevel = 1e-5;

    /// <summary>
    /// Cases of the search that violate the documented semantics today: library defects, each
    /// reproduced on its own by <see cref="Cases_found_by_the_search_meet_the_documented_semantics"/>
    /// (which fails until the library is fixed). The search reports them but does not fail on them again.
    /// </summary>
    private static readonly HashSet<int> s_knownViolations = [1844, 1995, 2098, 2282];

    /// <summary>
    /// The search's violations one by one (index, schedule, precision, fallback):
    /// <list type="bullet">
    /// <item>192: hard clip of a rank-1 10×7 input inside the ball (σ_max/c = 0.36), fp64, pure
    /// Newton–Schulz: Converged, but Ĥ carries ≈ 1e-6 (5e-8·c) in the input's null space, against the
    /// documented absolute accuracy tol·c = 2e-11 (the sign iterations' null band √(2·tol) leaks through).</item>
    /// <item>1844, 1995: polar factor through the eigen fallback, fp64, condition ≈ 900: the smallest
    /// direction (σ/σ_max ≈ 1.1e-3) maps to 1 − 3.7e-11, outside 1 ± 10·tol; the eigen result is
    /// certified by its norm bound only.</item>
    /// <item>2098, 2282: soft clip, fp32, pure Newton–Schulz at α ≈ 4e4 to 2e5, Stalled:
    /// MaxSingularValueBound ≈ 1.5c lies below the true ‖Ĥ‖₂ ≈ 1.74c.</item>
    /// </list>
    /// </summary>
    [Theory]
    [InlineData(192, "hard", false, false)]
    [InlineData(1844, "polar express", false, true)]
    [InlineData(1995, "polar muon", false, true)]
    [InlineData(2098, "soft adaptive residual", true, false)]
    [InlineData(2282, "soft coupled residual", true, false)]
    public void Cases_found_by_the_search_meet_the_documented_semantics(int index, string schedule, bool single, bool fallback)
    {
        var s = s_schedules.Single(x => x.Name == schedule);
        var (problems, status, method) = single
            ? RunCase<float>(s, fallback, index, out string description)
            : RunCase<double>(s, fallback, index, out description);
        Assert.True(problems.Count == 0, $"case {index} [{description}] {status}/{method}: {string.Join("; ", problems)}");
    }

    [Fact]
    public void Random_search_meets_the_documented_semantics()
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var known = new List<string>();
        var tallies = new SortedDictionary<string, SortedDictionary<string, int>>();
        int pure = 0, pureConverged = 0, index = 0;
        foreach (bool single in new[] { false, true })
            foreach (bool fallback in new[] { false, true })
                foreach (var schedule in s_schedules)
                    for (int draw = 0; draw < DrawsPerConfiguration; draw++, index++)
                    {
                        var (problems, status, method) = single
                            ? RunCase<float>(schedule, fallback, index, out string description)
                            : RunCase<double>(schedule, fallback, index, out description);
                        string key = $"{schedule.Name,-34} {(single ? "fp32" : "fp64")} {(fallback ? "fallback" : "pure NS ")}";
                        if (problems.Count > 0 && s_knownViolations.Contains(index)) known.Add($"case {index} [{description}] {status}/{method}: {string.Join("; ", problems)}");
                        if (!tallies.TryGetValue(key, out var tally)) tallies[key] = tally = new();
                        string outcome = fallback ? $"{status}/{method}" : status.ToString();
                        tally[outcome] = tally.GetValueOrDefault(outcome) + 1;
                        if (!fallback)
                        {
                            pure++;
                            if (status == SolverStatus.Converged) pureConverged++;
                        }
                        if (problems.Count > 0 && !s_knownViolations.Contains(index)) failures.Add($"case {index} [{description}] {status}/{method}: {string.Join("; ", problems)}");
                    }
        var report = new StringBuilder();
        foreach (var (key, tally) in tallies) report.AppendLine($"{key}: {string.Join(", ", tally.Select(p => $"{p.Key} {p.Value}"))}");
        report.AppendLine($"{index} cases, pure Newton–Schulz converged {pureConverged}/{pure}, {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(report.ToString());
        foreach (var f in known) output.WriteLine($"known violation (see Cases_found_by_the_search): {f}");
        foreach (var f in failures.Take(40)) output.WriteLine(f);
        Assert.True(index >= 1000);
        Assert.True(failures.Count == 0, $"{failures.Count} cases violate the documented semantics:\n{string.Join("\n", failures.Take(15))}");
        // Not vacuous: the converged checks ran on a fair share of the pure Newton–Schulz cases.
        Assert.True(pureConverged >= pure / 4, $"only {pureConverged}/{pure} pure Newton–Schulz cases converged");
    }

    private static (List<string> Problems, SolverStatus Status, SpectralMethod Method) RunCase<T>(Schedule schedule, bool fallback, int index, out string description)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new System.Random(9001 + index);
        bool single = typeof(T) == typeof(float);
        int k = rng.Next(1, 17);
        int other = rng.Next(k, 3 * k + 1);
        bool wide = rng.Next(2) == 0;
        int m = wide ? k : other, n = wide ? other : k;
        k = Math.Min(m, n);
        int kind = rng.Next(3);
        double s = Math.Pow(10, -2 + 4 * rng.NextDouble());
        double[] sigma;
        int zeros = 0;
        double spread = 1;
        if (kind == 0) sigma = Enumerable.Range(0, k).Select(i => s * (1 + 1e-6 * (k - 1 - i))).ToArray();   // near-equal
        else
        {
            spread = Math.Pow(10, (single ? 2 : 3) * rng.NextDouble());
            sigma = SpectralCheck.LogSpaced(k, s / spread, s);
            if (kind == 2 && k >= 2)
            {
                zeros = rng.Next(1, k);
                for (int i = k - zeros; i < k; i++) sigma[i] = 0;
            }
        }
        double ratio = Math.Pow(10, -3 + 6 * rng.NextDouble());      // σ_max/c
        double c = sigma[0] / ratio;
        int seed = rng.Next();
        description = $"{schedule.Name}, {(single ? "fp32" : "fp64")}, fallback {fallback}, {m}×{n}, " +
            (kind == 0 ? "near-equal" : $"spread {spread:E2}, {zeros} zeros") + $", s = {s:R}, spread = {spread:R}, σ_max = {sigma[0]:R}, c = {c:R}, σ_max/c = {ratio:E3}, seed {seed}";
        var (xd, _, _) = SpectralCheck.Known(m, n, sigma, seed);
        Matrix<T> x = single ? (Matrix<T>)(object)SpectralCheck.ToSingle(xd) : (Matrix<T>)(object)xd;
        var stored = SpectralCheck.ToDouble(x);
        var r = SpectralClip.Apply(schedule.Mode, x, c, new() { NewtonSchulz = schedule.Options, Fallback = fallback });
        var h = SpectralCheck.ToDouble(r.Value);
        var problems = SpectralCheck.BoundViolations(r.Status, r.MaxSingularValueBound, h);
        if (fallback && !r.Converged) problems.Add($"status {r.Status} with fallback on");
        if (!fallback && r.FellBack) problems.Add($"fell back to {r.Method} with fallback off");
        if (r.RequestedMethod != SpectralMethod.NewtonSchulz) problems.Add($"requested method reported as {r.RequestedMethod}");
        if (r.Converged)
            problems.AddRange(SpectralCheck.ConvergedViolations(schedule.Mode, stored, h, c, SpectralCheck.Tolerance<T>(), SpectralCheck.UnitRoundoff<T>(), NullLevel));
        return (problems, r.Status, r.Method);
    }
}
