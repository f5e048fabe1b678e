using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Transport;

namespace Numerics.Gpu.Tests;

/// <summary>
/// The device evaluation of the transport duals against the CPU objectives, and a device solve
/// (Core's control code on device vectors) against the CPU solve. Problems are tiny because the
/// CPU simulator pays per launch.
/// </summary>
/// <remarks>
/// The cost matrix is rounded to float before the problem is built and the float tests evaluate
/// at α rounded to float, so both element types see the same inputs as the CPU. The kernels compute
/// in float64 in the CPU's order (column terms, then the host's sum in column order; row sums in
/// column order), so on the simulator value, gradient and plan are the CPU's bits, the float
/// gradient being the CPU's rounded to float. On CUDA a product and a sum may fuse into an FMA,
/// so there the comparison allows <see cref="CudaRounding"/>.
/// </remarks>
[Collection("gpu")]
public sealed class GpuTransportTests(GpuFixture gpu)
{
    private const int M = 12, N = 9;

    /// <summary>
    /// Each value is a sum of at most max(m, n) = 12 rounded products of magnitude ≤ 10; fusing any of
    /// them changes the sum by at most one rounding per term, 12·2⁻⁵³·10 ≈ 1.3e-14: 1e-13 absolute.
    /// </summary>
    private const double CudaRounding = 1e-13;

    /// <summary>
    /// Device and CPU solves differ in the reduction order of L-BFGS's dots and norms, so their
    /// iterates part by rounding and each stops somewhere with ‖T·1 − a‖∞ ≤ tol = 1e-6. On the smooth
    /// piece where both end (k = m, γ = 0.5) the dual is strongly concave with modulus ≈ 1/(γ·n) in α
    /// along the directions that move the row sums, so the potentials differ by ≲ 2·tol·γ·n ≈ 1e-5 and
    /// the plan entries, Δα/γ, by ≲ 2e-5; 1e-4 leaves a factor 5.
    /// </summary>
    private const double SolveAgreement = 1e-4;

    private static TransportProblem Problem(int seed)
    {
        var rng = new System.Random(seed);
        var c = Matrix<double>.Build.Dense(M, N, (_, _) => (float)rng.NextDouble());
        var a = Vector<double>.Build.Dense(M, _ => 0.5 + rng.NextDouble());
        var b = Vector<double>.Build.Dense(N, _ => 0.5 + rng.NextDouble());
        return TransportProblem.Create(c, a / a.Sum(), b / b.Sum());
    }

    private static double[] Potentials(int length, int seed, bool single)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, length).Select(_ => single ? (float)(rng.NextDouble() - 0.3) : rng.NextDouble() - 0.3).ToArray();
    }

    private static HostTransportObjective CpuObjective(TransportProblem problem, TransportFormulation formulation, int k, double gamma) =>
        formulation == TransportFormulation.Dual ? new DualObjective(problem, k, gamma) : new SemiDualObjective(problem, k, gamma);

    public static TheoryData<TransportFormulation, int, bool> Cases()
    {
        var data = new TheoryData<TransportFormulation, int, bool>();
        foreach (var formulation in new[] { TransportFormulation.SemiDual, TransportFormulation.Dual })
            foreach (int k in new[] { 1, 2, M })
                foreach (bool single in new[] { false, true })
                    data.Add(formulation, k, single);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Device_evaluation_equals_the_cpu_objective(TransportFormulation formulation, int k, bool single)
    {
        if (single) Evaluate<float>(formulation, k);
        else Evaluate<double>(formulation, k);
    }

    private void Evaluate<T>(TransportFormulation formulation, int k) where T : unmanaged, IEquatable<T>, IFormattable
    {
        var problem = Problem(k);
        const double gamma = 0.1;
        bool single = typeof(T) == typeof(float);
        var cpu = CpuObjective(problem, formulation, k, gamma);
        var x = Potentials(cpu.Dimension, 10 + k, single);
        var cpuGradient = new double[cpu.Dimension];
        double cpuValue = cpu.Evaluate(x, cpuGradient);
        var cpuPlan = cpu.Plan(x);

        using var device = new GpuTransportObjective<T>(gpu.Device, problem, formulation, k, gamma);
        using var dx = DeviceMatrix<T>.Upload(gpu.Device, x.Length, 1, GpuTransportObjective<T>.FromHost(x));
        using var dg = new DeviceMatrix<T>(gpu.Device, x.Length, 1);
        double value = device.Evaluate(dx, dg);
        var gradient = device.Potentials(dg);
        var plan = device.Plan(dx);

        Close(cpuValue, value);
        for (int i = 0; i < gradient.Length; i++)
            Close(single ? (float)cpuGradient[i] : cpuGradient[i], gradient[i]);
        Assert.Equal(cpuPlan.ColumnPointers.ToArray(), plan.ColumnPointers.ToArray());
        Assert.Equal(cpuPlan.RowIndices.ToArray(), plan.RowIndices.ToArray());
        for (int e = 0; e < plan.EntryCount; e++) Close(cpuPlan.Values[e], plan.Values[e]);
        Assert.True(plan.MaxNonZerosPerColumn() <= k);
        Assert.Equal(x, device.Potentials(dx));
    }

    public static TheoryData<TransportFormulation, int, int, int> OddShapes()
    {
        var data = new TheoryData<TransportFormulation, int, int, int>();
        foreach (var formulation in new[] { TransportFormulation.SemiDual, TransportFormulation.Dual })
            foreach (var (m, n, k) in new[] { (13, 7, 2), (13, 7, 12), (13, 7, 13), (1, 5, 1), (5, 1, 3), (31, 3, 5) })
                data.Add(formulation, m, n, k);
        return data;
    }

    /// <summary>
    /// Shapes whose m is no multiple of the CPU's SIMD width (so its scalar tail runs), m = 1, n = 1,
    /// k = m − 1 and k = m, with integer costs and potentials so that s = α − c is full of exact ties:
    /// the device's insertion selection must keep the CPU's top k (ties to the smaller row) to the bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(OddShapes))]
    public void Device_evaluation_equals_the_cpu_objective_on_odd_shapes_with_ties(TransportFormulation formulation, int m, int n, int k)
    {
        var rng = new System.Random(100 * m + 10 * n + k);
        var c = Matrix<double>.Build.Dense(m, n, (_, _) => rng.Next(3));
        var a = Vector<double>.Build.Dense(m, _ => 1 + rng.Next(2));
        var b = Vector<double>.Build.Dense(n, _ => 1 + rng.Next(2));
        var problem = TransportProblem.Create(c, a / a.Sum(), b / b.Sum());
        var cpu = CpuObjective(problem, formulation, k, 0.25);
        var x = Enumerable.Range(0, cpu.Dimension).Select(i => i < m ? (double)rng.Next(2) : -rng.Next(2)).ToArray();
        var cpuGradient = new double[cpu.Dimension];
        double cpuValue = cpu.Evaluate(x, cpuGradient);
        var cpuPlan = cpu.Plan(x);

        using var device = new GpuTransportObjective<double>(gpu.Device, problem, formulation, k, 0.25);
        using var dx = Upload(x);
        using var dg = new DeviceMatrix<double>(gpu.Device, x.Length, 1);
        Close(cpuValue, device.Evaluate(dx, dg));
        var gradient = device.Potentials(dg);
        for (int i = 0; i < gradient.Length; i++) Close(cpuGradient[i], gradient[i]);
        var plan = device.Plan(dx);
        Assert.Equal(cpuPlan.ColumnPointers.ToArray(), plan.ColumnPointers.ToArray());
        Assert.Equal(cpuPlan.RowIndices.ToArray(), plan.RowIndices.ToArray());
        for (int e = 0; e < plan.EntryCount; e++) Close(cpuPlan.Values[e], plan.Values[e]);
        Assert.True(plan.MaxNonZerosPerColumn() <= k);
    }

    [Fact]
    public void A_cost_beyond_float_range_is_refused_in_float_and_solved_in_double()
    {
        // 1e39 rounds to +∞ in float: every device evaluation would be NaN.
        var c = Matrix<double>.Build.Dense(3, 4, (i, j) => 0.1 * (i + j));
        c[0, 0] = 1e39;
        var problem = TransportProblem.Create(c, Vector<double>.Build.Dense(3, 1.0 / 3), Vector<double>.Build.Dense(4, 0.25));
        var options = new SparseTransportOptions { Gamma = 0.5, MaxIterations = 3 };
        var e = Assert.Throws<ArgumentException>(() => GpuSparseTransport.Solve<float>(gpu.Device, problem, 3, options));
        Assert.Equal("problem", e.ParamName);
        Assert.Contains("float", e.Message);
        Assert.True(double.IsFinite(GpuSparseTransport.Solve<double>(gpu.Device, problem, 3, options).DualValue));
    }

    private DeviceMatrix<double> Upload(double[] values) => DeviceMatrix<double>.Upload(gpu.Device, values.Length, 1, values);

    private void Close(double expected, double actual)
    {
        if (gpu.Device.Kind == GpuKind.CpuSimulator) Assert.Equal(expected, actual);
        else Assert.True(Math.Abs(expected - actual) <= CudaRounding * Math.Max(1, Math.Abs(expected)), $"{actual} vs {expected}");
    }

    [Fact]
    public void A_non_finite_point_gives_NaN_like_the_cpu()
    {
        using var device = new GpuTransportObjective<double>(gpu.Device, Problem(3), TransportFormulation.SemiDual, 2, 0.1);
        var x = new double[M];
        x[4] = double.PositiveInfinity;
        using var dx = Upload(x);
        using var dg = new DeviceMatrix<double>(gpu.Device, M, 1);
        Assert.True(double.IsNaN(device.Evaluate(dx, dg)));
        Assert.All(device.Potentials(dg), g => Assert.True(double.IsNaN(g)));
    }

    /// <summary>
    /// One case only: on the CPU simulator each of L-BFGS's device dots and norms costs far more than
    /// an evaluation (a 256-thread group with barriers), so a 50-iteration solve takes about a minute.
    /// The dual's kernels are covered to the bit by the evaluation tests.
    /// </summary>
    [Theory]
    [InlineData(TransportFormulation.SemiDual, M)]
    public void Device_solve_equals_the_cpu_solve(TransportFormulation formulation, int k)
    {
        var problem = Problem(20 + k);
        var options = new SparseTransportOptions { Gamma = 0.5, Formulation = formulation, Tolerance = 1e-6 };
        var cpu = SparseTransport.Solve(problem, k, options);
        var device = GpuSparseTransport.Solve<double>(gpu.Device, problem, k, options);

        Assert.Equal(SolverStatus.Converged, cpu.Status);
        Assert.Equal(cpu.Status, device.Status);
        Assert.Equal(cpu.MaxNonZerosPerColumn, device.MaxNonZerosPerColumn);
        Assert.True(device.MaxNonZerosPerColumn <= k);
        var difference = cpu.Plan.ToDense() - device.Plan.ToDense();
        Assert.True(difference.Enumerate().Max(Math.Abs) <= SolveAgreement, $"plans differ by {difference.Enumerate().Max(Math.Abs):E2}");
        Assert.True(Math.Abs(cpu.DualValue - device.DualValue) <= SolveAgreement);
        Assert.True(device.Residual <= 1e-6);
    }

    /// <summary>
    /// With C stored as float the device evaluates the dual of float(C), whose optimum differs from
    /// this problem's by up to half a float ulp of C per unit of mass: here C sits 0.45 ulp below its
    /// float rounding, so a dual value taken from the device would exceed the optimum by ≈ 5e-8, far
    /// above the 7e-12 gap of the double solve. The reported value must bound this problem's optimum.
    /// Warm-started at the CPU's potentials, the device solve takes a few evaluations only.
    /// </summary>
    [Fact]
    public void A_float_solve_reports_a_dual_value_that_bounds_the_double_problem()
    {
        var rng = new System.Random(7);
        var c = Matrix<double>.Build.Dense(M, N, (_, _) =>
        {
            float f = (float)(1 + rng.NextDouble());
            return f - 0.45 * (MathF.BitIncrement(f) - f);
        });
        var problem = TransportProblem.Create(c, Vector<double>.Build.Dense(M, 1.0 / M), Vector<double>.Build.Dense(N, 1.0 / N));
        var cpu = SparseTransport.Solve(problem, M, new SparseTransportOptions { Gamma = 0.5, Tolerance = 1e-10 });
        Assert.Equal(SolverStatus.Converged, cpu.Status);
        double upper = cpu.UpperBound!.Value;
        Assert.True(upper - cpu.DualValue <= 1e-10, $"double gap {upper - cpu.DualValue}");

        var options = new SparseTransportOptions { Gamma = 0.5, Tolerance = 1e-6, MaxIterations = 5, InitialAlpha = cpu.Alpha };
        var device = GpuSparseTransport.Solve<float>(gpu.Device, problem, M, options);
        // Weak duality for C itself, up to the rounding of two values of order 1.
        Assert.True(device.DualValue <= upper + 1e-14, $"dual {device.DualValue:R} above the upper bound {upper:R}");
        if (device.DualityGap is { } gap) Assert.True(gap >= -1e-14, $"gap {gap}");
        Assert.Equal(device.RegularizedCost - device.DualValue, device.GapEstimate);
    }
}
