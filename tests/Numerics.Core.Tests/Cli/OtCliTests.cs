using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Core.Tests.Transport;
using Numerics.IO;
using Numerics.Testing;

namespace Numerics.Core.Tests.Cli;

public class OtCliTests : CliCommandTests
{
    private (Matrix<double> C, Vector<double> A, Vector<double> B) WriteProblem(int m = 12, int n = 10)
    {
        var p = TransportReference.RandomProblem(m, n, 3);
        Npy.Write(File("c.npy"), p.C);
        Npy.Write(File("a.npy"), p.A);
        Npy.Write(File("b.npy"), p.B);
        return p;
    }

    private string[] Problem(params string[] extra) =>
        ["ot", "--cost", File("c.npy"), "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("t.npy"), "--quiet", .. extra];

    [Theory]
    [InlineData("semi-dual")]
    [InlineData("dual")]
    public void Sparse_writes_the_plan_and_a_summary_that_describes_it(string formulation)
    {
        var (c, a, b) = WriteProblem();
        var (code, output, err) = Run(Problem("--k", "2", "--gamma", "0.2", "--formulation", formulation));
        Assert.True(code == 0, err);
        var plan = Npy.ReadMatrix(File("t.npy"));
        Assert.Equal(12, plan.RowCount);
        Assert.Equal(10, plan.ColumnCount);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        int maxNnz = Enumerable.Range(0, 10).Max(j => plan.Column(j).Count(x => x != 0));
        Assert.True(maxNnz <= 2);
        Assert.Equal(maxNnz, root.GetProperty("max_nnz_per_column").GetInt32());
        double cost = plan.PointwiseMultiply(c).Enumerate().Sum();
        Assert.Equal(cost, root.GetProperty("cost").GetDouble(), Tolerances.Reduction);
        Assert.Equal(cost + 0.1 * plan.PointwiseMultiply(plan).Enumerate().Sum(), root.GetProperty("objective").GetDouble(), Tolerances.Reduction);
        Assert.Equal((plan.RowSums() - a).L1Norm(), root.GetProperty("marginal_error_rows").GetDouble(), Tolerances.Reduction);
        Assert.Equal((plan.ColumnSums() - b).L1Norm(), root.GetProperty("marginal_error_cols").GetDouble(), Tolerances.Reduction);
        foreach (var field in new[] { "iterations", "status", "seconds" }) Assert.True(root.TryGetProperty(field, out _), field);
        // The estimate is the written plan's value minus the dual value, whatever the plan's feasibility.
        double dual = root.GetProperty("dual_objective").GetDouble();
        Assert.Equal(root.GetProperty("objective").GetDouble() - dual, root.GetProperty("gap_estimate").GetDouble(), Tolerances.Reduction);
        // A gap is reported only with a feasible plan, as its value minus the dual value.
        var gap = root.GetProperty("duality_gap");
        var upper = root.GetProperty("upper_bound");
        Assert.Equal(gap.ValueKind, upper.ValueKind);
        if (gap.ValueKind != JsonValueKind.Null)
        {
            Assert.Equal(upper.GetDouble() - dual, gap.GetDouble(), Tolerances.Reduction);
            Assert.True(gap.GetDouble() >= 0);
        }
        Assert.Equal(a.Sum(), root.GetProperty("input_mass_rows").GetDouble(), Tolerances.Reduction);
    }

    [Fact]
    public void Quadratic_reports_a_certified_gap_around_the_optimum()
    {
        var (c, a, b) = WriteProblem();
        var (code, output, err) = Run(Problem("--method", "quadratic", "--gamma", "0.5", "--tol", "1e-9"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        Assert.Equal("Converged", root.GetProperty("status").GetString());
        Assert.Equal("rounded", root.GetProperty("feasible_plan").GetString());
        double dual = root.GetProperty("dual_objective").GetDouble();
        double upper = root.GetProperty("upper_bound").GetDouble();
        double gap = root.GetProperty("duality_gap").GetDouble();
        Assert.Equal(upper - dual, gap, Tolerances.Reduction);
        // QR-OT's optimum from Dykstra's projection, independent of the solver (within ~1e-10, see DualityGapTests).
        var reference = TransportReference.QuadraticPlanByDykstra(c, a.ToArray(), b.ToArray(), 0.5, 5000);
        double optimum = reference.PointwiseMultiply(c).Enumerate().Sum() + 0.25 * reference.PointwiseMultiply(reference).Enumerate().Sum();
        Assert.True(dual <= optimum + 1e-10 && upper >= optimum - 1e-10, $"{dual} ≤ {optimum} ≤ {upper}");
        // Tight too: gap ≤ τ·(‖α‖∞ + 2·max|C| + 4γ·max T) (see DualityGapTests), with potentials, costs and
        // entries of order 1 here: 100τ leaves a factor 10 or more.
        Assert.True(gap >= 0 && gap <= 100 * 1e-9, $"gap {gap}");
    }

    [Fact]
    public void Marginal_errors_are_against_the_normalised_input_and_its_totals_are_reported()
    {
        var (c, a, b) = WriteProblem();
        var heavy = a * (1 + 5e-7);
        Npy.Write(File("heavy.npy"), heavy);
        var (code, output, err) = Run(["ot", "--cost", File("c.npy"), "--a", File("heavy.npy"), "--b", File("b.npy"), "--out", File("t.npy"), "--quiet",
            "--method", "quadratic", "--gamma", "0.5"]);
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        Assert.Equal(heavy.Sum(), root.GetProperty("input_mass_rows").GetDouble(), 1e-15);
        var plan = Npy.ReadMatrix(File("t.npy"));
        Assert.Equal((plan.RowSums() - heavy / heavy.Sum()).L1Norm(), root.GetProperty("marginal_error_rows").GetDouble(), 1e-15);
        // Against the heavier vector as passed the plan is off by the excess mass 5e-7, which the report does not hide.
        Assert.True((plan.RowSums() - heavy).L1Norm() > 4e-7);
        Assert.Equal("Converged", root.GetProperty("status").GetString());
    }

    [Fact]
    public void Quadratic_meets_both_marginals()
    {
        var (_, a, b) = WriteProblem();
        var (code, output, err) = Run(Problem("--method", "quadratic", "--gamma", "0.5"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal("Converged", json.RootElement.GetProperty("status").GetString());
        var plan = Npy.ReadMatrix(File("t.npy"));
        // Converged means the total row error within the default tolerance.
        Assert.True((plan.RowSums() - a).L1Norm() <= Numerics.Transport.SparseTransportOptions.DefaultTolerance + 1e-15);
        Assert.True((plan.ColumnSums() - b).InfinityNorm() <= Tolerances.Reduction);
    }

    [Fact]
    public void Exact_writes_an_optimal_basic_plan()
    {
        var (c, a, b) = WriteProblem();
        var (code, output, err) = Run(Problem("--method", "exact"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        Assert.Equal("Converged", root.GetProperty("status").GetString());
        var plan = Npy.ReadMatrix(File("t.npy"));
        // A basic solution of the transportation polytope has at most m + n − 1 positive entries.
        Assert.True(plan.Enumerate().Count(x => x != 0) <= 12 + 10 - 1);
        Assert.True((plan.RowSums() - a).InfinityNorm() <= Tolerances.Reduction);
        Assert.True((plan.ColumnSums() - b).InfinityNorm() <= Tolerances.Reduction);
        double cost = plan.PointwiseMultiply(c).Enumerate().Sum();
        Assert.Equal(cost, root.GetProperty("cost").GetDouble(), Tolerances.Reduction);
        // Independent of the CLI: the library's optimum, whose own certificate is checked by its tests.
        var exact = Numerics.Transport.ExactTransport.Solve(a.ToArray(), b.ToArray(), c);
        Assert.Equal(exact.Cost, cost, Tolerances.Reduction);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3")]
    [InlineData("100000")]
    public void Exact_reports_a_dual_objective_that_bounds_the_optimum_even_when_stopped_early(string pivots)
    {
        var (c, a, b) = WriteProblem();
        var (code, output, err) = Run(Problem("--method", "exact", "--max-iter", pivots));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        var optimum = Numerics.Transport.ExactTransport.Solve(a.ToArray(), b.ToArray(), c);
        Assert.Equal(Numerics.Optimization.SolverStatus.Converged, optimum.Status);
        double dual = root.GetProperty("dual_objective").GetDouble();
        Assert.True(dual <= optimum.Cost + Tolerances.Reduction, $"dual objective {dual} above the optimum {optimum.Cost}");
        if (root.GetProperty("status").GetString() == "Converged")
            Assert.Equal(optimum.Cost, dual, 1e-12);
        else
            Assert.Equal(JsonValueKind.Null, root.GetProperty("duality_gap").ValueKind);
    }

    [Fact]
    public void Sinkhorn_writes_a_plan_that_meets_its_marginals()
    {
        var (_, a, b) = WriteProblem();
        var (code, output, err) = Run(Problem("--method", "sinkhorn", "--gamma", "0.1"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal("Converged", json.RootElement.GetProperty("status").GetString());
        var plan = Npy.ReadMatrix(File("t.npy"));
        // Converged means both recomputed marginal errors (2-norm) within the default 1e-9.
        Assert.True((plan.RowSums() - a).L2Norm() <= 1e-9 + Tolerances.Reduction);
        Assert.True((plan.ColumnSums() - b).L2Norm() <= 1e-9 + Tolerances.Reduction);
        Assert.True(plan.Enumerate().All(x => x > 0));
    }

    [Theory]
    [InlineData("1e-100")]
    [InlineData("1e-50")]
    public void Sinkhorn_with_an_epsilon_too_small_for_the_costs_exits_2_naming_gamma(string epsilon)
    {
        // ε below the rounding of C: (f + g − c)/ε amplifies the rounding of the potentials past
        // exp's range, the library reports Breakdown and the plan holds ∞, which no plan file can carry.
        WriteProblem();
        var (code, output, err) = Run(Problem("--method", "sinkhorn", "--gamma", epsilon));
        Assert.True(code == 2, $"{code}: {err}");
        Assert.Empty(output);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--gamma", err);
        Assert.False(System.IO.File.Exists(File("t.npy")));
    }

    [Fact]
    public void Bad_marginals_and_parameters_exit_2_with_one_line()
    {
        var (c, a, b) = WriteProblem();
        Npy.Write(File("negative.npy"), a.Map(x => -x));
        Npy.Write(File("unnormalised.npy"), b * 2);
        Npy.Write(File("short.npy"), b.SubVector(0, 9));
        var nan = c.Clone();
        nan[3, 4] = double.NaN;
        Npy.Write(File("nan.npy"), nan);
        string[][] cases =
        [
            ["ot", "--cost", File("c.npy"), "--a", File("negative.npy"), "--b", File("b.npy"), "--out", File("t.npy"), "--k", "1"],
            ["ot", "--cost", File("c.npy"), "--a", File("a.npy"), "--b", File("unnormalised.npy"), "--out", File("t.npy"), "--k", "1"],
            ["ot", "--cost", File("c.npy"), "--a", File("a.npy"), "--b", File("short.npy"), "--out", File("t.npy"), "--k", "1"],
            ["ot", "--cost", File("nan.npy"), "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("t.npy"), "--k", "1"],
            Problem("--k", "0"),
            Problem("--k", "2", "--gamma", "0"),
            Problem("--k", "2", "--gamma", "-1"),
            Problem(),
            Problem("--method", "quadratic", "--k", "3"),
            Problem("--method", "exact", "--k", "2"),
            Problem("--method", "sinkhorn", "--k", "1"),
            Problem("--method", "sinkhorn", "--gamma", "0"),
            Problem("--k", "2", "--float32"),
            Problem("--method", "exact", "--device", "gpu"),
            Problem("--k", "2", "--formulation", "primal"),
        ];
        foreach (var args in cases)
        {
            var (code, output, err) = Run(args);
            Assert.True(code == 2, $"{string.Join(' ', args)} → {code}: {err}");
            Assert.Empty(output);
            Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.False(System.IO.File.Exists(File("t.npy")));
    }
}
