using Numerics.Optimization;

namespace Numerics.Testing;

/// <summary>
/// The strong-Wolfe line search suite, written once and instantiated per vector backend: accepted
/// steps meet both conditions (checked on the host), non-finite trials shrink, and failure is
/// reported, never hidden in a step that violates the conditions.
/// </summary>
public abstract class LineSearchSuite<TVector>
{
    /// <summary>The backend under test.</summary>
    protected abstract VectorBackend<TVector> Backend { get; }

    private LineSearchResult Search(StrongWolfeLineSearch search, Func<double[], double[], double> f, double[] x, double[] d,
        double initialStep, out double[] trial, out double[] trialGradient)
    {
        var objective = new HostObjective<TVector>(Backend, x.Length, f);
        var g0 = new double[x.Length];
        double f0 = f(x, g0);
        var (xv, gv, dv) = (Backend.Upload(x), Backend.Upload(g0), Backend.Upload(d));
        var (tv, tg) = (Backend.Upload(new double[x.Length]), Backend.Upload(new double[x.Length]));
        var result = search.Search(objective, Backend.Ops, xv, f0, gv, dv, initialStep, tv, tg);
        Assert.Equal(x, Backend.Download(xv));
        Assert.Equal(g0, Backend.Download(gv));
        Assert.Equal(d, Backend.Download(dv));
        Assert.True(result.Evaluations <= search.MaxEvaluations);
        Assert.Equal(objective.Evaluations, result.Evaluations);
        (trial, trialGradient) = (Backend.Download(tv), Backend.Download(tg));
        foreach (var v in (TVector[])[xv, gv, dv, tv, tg]) Backend.Ops.Release(v);
        if (result.Satisfied) AssertStrongWolfe(search, f, x, d, f0, g0, result, trial, trialGradient);
        return result;
    }

    /// <summary>Both conditions, on a fresh host evaluation at x + α·d.</summary>
    private static void AssertStrongWolfe(StrongWolfeLineSearch search, Func<double[], double[], double> f, double[] x, double[] d,
        double f0, double[] g0, LineSearchResult result, double[] trial, double[] trialGradient)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(trial[i] - (x[i] + result.Step * d[i])) <= Tolerances.AxpyRounding * (Math.Abs(x[i]) + Math.Abs(result.Step * d[i])));
        Assert.Equal(f(trial, g), result.Value);
        Assert.Equal(g, trialGradient);
        double slope0 = Dot(g0, d), slope = Dot(g, d);
        Assert.True(result.Value <= f0 + search.SufficientDecrease * result.Step * slope0, "sufficient decrease");
        // The search's slope came from the backend's dot, this one from a host loop: the test allows their rounding difference.
        Assert.True(Math.Abs(slope - result.Slope) <= Tolerances.Reduction * Dot(g.Select(Math.Abs).ToArray(), d.Select(Math.Abs).ToArray()));
        Assert.True(Math.Abs(result.Slope) <= search.Curvature * Math.Abs(slope0), "curvature");
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();

    [Theory]
    [InlineData(1e-3)]
    [InlineData(1.0)]
    [InlineData(1e3)]
    public void Accepted_steps_meet_both_conditions_from_short_unit_and_long_first_trials(double initialStep)
    {
        var search = new StrongWolfeLineSearch();
        double[] x = [-1.2, 1.0];
        var g = new double[2];
        LbfgsProblems.Rosenbrock(x, g);
        var r = Search(search, LbfgsProblems.Rosenbrock, x, [-g[0], -g[1]], initialStep, out _, out _);
        Assert.True(r.Satisfied);

        var q = Search(search, (v, gr) => { gr[0] = 4 * v[0]; gr[1] = v[1]; return 2 * v[0] * v[0] + 0.5 * v[1] * v[1]; },
            [3.0, -1.0], [-1.0, 0.5], initialStep, out _, out _);
        Assert.True(q.Satisfied);
    }

    [Fact]
    public void Tight_curvature_constant_is_met_too()
    {
        var search = new StrongWolfeLineSearch(1e-4, 0.1);
        double[] x = [-1.2, 1.0];
        var g = new double[2];
        LbfgsProblems.Rosenbrock(x, g);
        Assert.True(Search(search, LbfgsProblems.Rosenbrock, x, [-g[0], -g[1]], 1.0, out _, out _).Satisfied);
    }

    [Fact]
    public void Non_finite_trials_are_treated_as_too_long_and_shrink()
    {
        // f(x) = (x − 0.9)² on x < 1 and NaN beyond: the first trials land outside the domain.
        static double Walled(double[] x, double[] g)
        {
            if (x[0] >= 1) { g[0] = double.NaN; return double.NaN; }
            g[0] = 2 * (x[0] - 0.9);
            return (x[0] - 0.9) * (x[0] - 0.9);
        }
        var r = Search(new StrongWolfeLineSearch(), Walled, [0.0], [1.0], 100.0, out var trial, out _);
        Assert.True(r.Satisfied);
        Assert.True(trial[0] < 1);
    }

    [Fact]
    public void Running_out_of_evaluations_reports_failure_without_a_step()
    {
        var r = Search(new StrongWolfeLineSearch(maxEvaluations: 1), (x, g) => { g[0] = 2 * x[0]; return x[0] * x[0]; }, [1.0], [-1.0], 100.0, out _, out _);
        Assert.False(r.Satisfied);
        Assert.Equal((1, 0.0, 1.0), (r.Evaluations, r.Step, r.Value));
    }

    [Fact]
    public void A_lying_gradient_makes_the_search_fail_within_its_budget()
    {
        var search = new StrongWolfeLineSearch();
        var r = Search(search, (x, g) => { g[0] = -x[0]; return 0.5 * x[0] * x[0]; }, [1.0], [1.0], 1.0, out _, out _);
        Assert.False(r.Satisfied);
        Assert.Equal(0.0, r.Step);
    }

    [Fact]
    public void A_function_unbounded_below_fails_at_the_largest_step()
    {
        var r = Search(new StrongWolfeLineSearch(maxEvaluations: 100), (x, g) => { g[0] = -1; return -x[0]; }, [0.0], [1.0], 1.0, out _, out _);
        Assert.False(r.Satisfied);
        Assert.Equal(StrongWolfeLineSearch.MaxStep, r.Step);
    }

    [Theory]
    [InlineData(0.0, 0.9, 20, "sufficientDecrease")]
    [InlineData(-1e-4, 0.9, 20, "sufficientDecrease")]
    [InlineData(double.NaN, 0.9, 20, "sufficientDecrease")]
    [InlineData(0.5, 0.5, 20, "curvature")]
    [InlineData(1e-4, 1.0, 20, "curvature")]
    [InlineData(1e-4, double.NaN, 20, "curvature")]
    [InlineData(1e-4, 0.9, 0, "maxEvaluations")]
    public void Bad_constants_throw_naming_the_parameter(double c1, double c2, int maxEvaluations, string param) =>
        Assert.Equal(param, Assert.ThrowsAny<ArgumentException>(() => new StrongWolfeLineSearch(c1, c2, maxEvaluations)).ParamName);

    [Fact]
    public void Bad_search_inputs_throw_naming_the_parameter()
    {
        var search = new StrongWolfeLineSearch();
        var objective = new HostObjective<TVector>(Backend, 1, (x, g) => { g[0] = x[0]; return 0.5 * x[0] * x[0]; });
        var (x, g, t, tg) = (Backend.Upload([1.0]), Backend.Upload([1.0]), Backend.Upload([0.0]), Backend.Upload([0.0]));
        var (up, down) = (Backend.Upload([1.0]), Backend.Upload([-1.0]));
        string Param(Action a) => Assert.ThrowsAny<ArgumentException>(a).ParamName!;
        Assert.Equal("direction", Param(() => search.Search(objective, Backend.Ops, x, 0.5, g, up, 1.0, t, tg)));
        Assert.Equal("initialStep", Param(() => search.Search(objective, Backend.Ops, x, 0.5, g, down, 0.0, t, tg)));
        Assert.Equal("initialStep", Param(() => search.Search(objective, Backend.Ops, x, 0.5, g, down, double.PositiveInfinity, t, tg)));
        Assert.Equal("value", Param(() => search.Search(objective, Backend.Ops, x, double.NaN, g, down, 1.0, t, tg)));
        Assert.Equal("objective", Param(() => search.Search<TVector>(null!, Backend.Ops, x, 0.5, g, down, 1.0, t, tg)));
        Assert.Equal(0, objective.Evaluations);
        foreach (var v in (TVector[])[x, g, t, tg, up, down]) Backend.Ops.Release(v);
    }
}
