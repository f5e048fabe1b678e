using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Transport;

namespace Numerics.Gpu.Tests;

/// <summary>
/// The batched device evaluation (one launch of each transport kernel over every problem's columns)
/// against the CPU batch objective, and the device batch solve against the CPU batch solve: both are
/// Core's lockstep control code, so on the CPU simulator, where the device evaluation is the CPU's
/// bits, the solves agree to the bit; on CUDA to <see cref="SolveAgreement"/>.
/// </summary>
[Collection("gpu")]
public sealed class GpuTransportBatchTests(GpuFixture gpu)
{
    private const int M = 10, N = 7, Count = 5;

    /// <summary>As <see cref="GpuTransportTests"/>: sums of at most 10 products of magnitude ≤ 10, each of which CUDA may fuse.</summary>
    private const double CudaRounding = 1e-13;

    /// <summary>
    /// Device (CUDA) and CPU solves part by rounding (fused multiply-adds in the kernels) and each stops
    /// with a total marginal error ≤ 1e-6; on the smooth piece where both end (k = m, γ = 0.5) the plan
    /// entries differ by ≲ 2·tol·n ≈ 1.4e-5 (see <see cref="GpuTransportTests"/>); 1e-4 leaves a factor 7.
    /// </summary>
    private const double SolveAgreement = 1e-4;

    /// <summary>A batch whose costs are float values, so that float storage holds them exactly.</summary>
    private static TransportProblem[] Batch(int seed) => Enumerable.Range(0, Count).Select(p =>
    {
        var rng = new System.Random(seed + p);
        var c = Matrix<double>.Build.Dense(M, N, (_, _) => (float)rng.NextDouble());
        var a = Vector<double>.Build.Dense(M, _ => 0.5 + rng.NextDouble());
        var b = Vector<double>.Build.Dense(N, _ => 0.5 + rng.NextDouble());
        return TransportProblem.Create(c, a / a.Sum(), b / b.Sum());
    }).ToArray();

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
    public void Batched_device_evaluation_equals_the_cpu_batch(TransportFormulation formulation, int k, bool single)
    {
        if (single) Evaluate<float>(formulation, k);
        else Evaluate<double>(formulation, k);
    }

    private void Evaluate<T>(TransportFormulation formulation, int k) where T : unmanaged, IEquatable<T>, IFormattable
    {
        const double gamma = 0.1;
        bool single = typeof(T) == typeof(float);
        var problems = Batch(3 * k);
        var cpu = new BatchTransportObjective(problems, formulation, k, gamma);
        var rng = new System.Random(k);
        // Potentials that float holds exactly, so both objectives see the same point.
        var x = Enumerable.Range(0, cpu.Dimension).Select(_ => single ? (float)(rng.NextDouble() - 0.3) : rng.NextDouble() - 0.3).ToArray();
        x[3 * cpu.VariablesPerProblem] = double.NegativeInfinity; // problem 3 alone gets NaN
        var cpuGradient = new double[cpu.Dimension];
        var cpuValues = new double[Count];
        var cpuPlans = cpu.Plans(x, cpuValues);
        cpu.Evaluate(x, cpuGradient, cpuValues);

        using var device = new GpuTransportBatchObjective<T>(gpu.Device, problems, formulation, k, gamma);
        var gradient = new double[device.Dimension];
        var values = new double[Count];
        var plans = device.Plans(x, values);
        device.Evaluate(x, gradient, values);

        for (int p = 0; p < Count; p++)
        {
            if (p == 3)
            {
                Assert.True(double.IsNaN(values[p]));
                continue;
            }
            Close(cpuValues[p], values[p]);
            Assert.Equal(cpuPlans[p].ColumnPointers.ToArray(), plans[p].ColumnPointers.ToArray());
            Assert.Equal(cpuPlans[p].RowIndices.ToArray(), plans[p].RowIndices.ToArray());
            for (int e = 0; e < plans[p].EntryCount; e++) Close(cpuPlans[p].Values[e], plans[p].Values[e]);
        }
        for (int i = 0; i < gradient.Length; i++)
        {
            if (i / cpu.VariablesPerProblem == 3) Assert.True(double.IsNaN(gradient[i]));
            else Close(single ? (float)cpuGradient[i] : cpuGradient[i], gradient[i]);
        }
    }

    private void Close(double expected, double actual)
    {
        if (gpu.Device.Kind == GpuKind.CpuSimulator) Assert.Equal(expected, actual);
        else Assert.True(Math.Abs(expected - actual) <= CudaRounding * Math.Max(1, Math.Abs(expected)), $"{actual} vs {expected}");
    }

    [Theory]
    [InlineData(TransportFormulation.SemiDual, M)]
    [InlineData(TransportFormulation.Dual, 2)]
    public void Device_batch_solve_equals_the_cpu_batch_solve(TransportFormulation formulation, int k)
    {
        var problems = Batch(50 + k);
        var options = new SparseTransportOptions { Gamma = 0.5, Formulation = formulation, Tolerance = 1e-6 };
        var cpu = SparseTransport.SolveBatch(problems, k, options);
        var device = GpuSparseTransport.SolveBatch<double>(gpu.Device, problems, k, options);
        Assert.Equal(Count, device.Results.Count);
        for (int p = 0; p < Count; p++)
        {
            var c = cpu.Results[p];
            var d = device.Results[p];
            Assert.Equal(c.MarginalError <= 1e-6, d.Status == SolverStatus.Converged);
            if (gpu.Device.Kind == GpuKind.CpuSimulator)
            {
                Assert.Equal(c.Status, d.Status);
                Assert.Equal(c.Iterations, d.Iterations);
                Assert.Equal(c.Plan.Values.ToArray(), d.Plan.Values.ToArray());
                Assert.Equal(c.Alpha.ToArray(), d.Alpha.ToArray());
                Assert.Equal(c.DualValue, d.DualValue);
                Assert.Equal(c.DualityGap, d.DualityGap);
            }
            else if (k == M)
            {
                Assert.Equal(SolverStatus.Converged, d.Status);
                var difference = c.Plan.ToDense() - d.Plan.ToDense();
                Assert.True(difference.Enumerate().Max(Math.Abs) <= SolveAgreement, $"plans differ by {difference.Enumerate().Max(Math.Abs):E2}");
                Assert.True(Math.Abs(c.DualValue - d.DualValue) <= SolveAgreement);
            }
        }
        if (k == M) Assert.Equal(Count, cpu.ConvergedCount);
    }

    [Fact]
    public void Float_batch_solve_meets_its_statuses()
    {
        // Float storage rounds C (exact here) and the potentials; each problem's status is still earned
        // on its plan's marginal errors, recomputed in double on the host.
        var problems = Batch(70);
        var options = new SparseTransportOptions { Gamma = 0.5, Tolerance = 1e-4 };
        var device = GpuSparseTransport.SolveBatch<float>(gpu.Device, problems, M, options);
        foreach (var r in device.Results)
        {
            Assert.Equal(r.MarginalError <= 1e-4, r.Status == SolverStatus.Converged);
            Assert.Equal(SolverStatus.Converged, r.Status);
        }
    }

    [Fact]
    public void Bad_batches_are_rejected_naming_the_parameter()
    {
        var problems = Batch(1);
        string Name(Action act) => Assert.ThrowsAny<ArgumentException>(act).ParamName!;
        Assert.Equal("problems", Name(() => GpuSparseTransport.SolveBatch<double>(gpu.Device, [], 1)));
        Assert.Equal("problems", Name(() => GpuSparseTransport.SolveBatch<double>(gpu.Device, [problems[0], null!], 1)));
        var other = TransportProblem.Create(Matrix<double>.Build.Dense(M, N + 1, 1), Vector<double>.Build.Dense(M, 1.0 / M), Vector<double>.Build.Dense(N + 1, 1.0 / (N + 1)));
        Assert.Equal("problems", Name(() => GpuSparseTransport.SolveBatch<double>(gpu.Device, [problems[0], other], 1)));
        Assert.Equal("k", Name(() => GpuSparseTransport.SolveBatch<double>(gpu.Device, problems, 0)));
        Assert.Equal("options", Name(() => GpuSparseTransport.SolveBatch<double>(gpu.Device, problems, 1, new SparseTransportOptions { InitialAlpha = Vector<double>.Build.Dense(M) })));
    }
}
