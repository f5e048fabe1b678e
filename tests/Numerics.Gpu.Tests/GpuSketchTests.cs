using MathNet.Numerics.LinearAlgebra;
using Numerics.Sketching;

namespace Numerics.Gpu.Tests;

[Collection("gpu")]
public class GpuSketchTests(GpuFixture gpu)
{
    private static double MaxRelative(double[] expected, double[] actual)
    {
        double scale = expected.Max(Math.Abs), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        return worst / scale;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    [InlineData(4096)]      // shared-memory stages plus one global stage
    public void Hadamard_of_each_column_matches_the_cpu_transform(int n)
    {
        var x = Data.Random(n * 3, n);
        using var dx = DeviceMatrix<double>.Upload(gpu.Device, n, 3, x);
        new GpuSketch(gpu.Device).Hadamard(dx);
        var got = dx.Download().ToColumnMajorArray();
        for (int j = 0; j < 3; j++)
        {
            var col = x.AsSpan(j * n, n).ToArray();
            Hadamard.Transform<double>(col);
            Assert.True(MaxRelative(col, got.AsSpan(j * n, n).ToArray()) < 1e-13);
        }
        using var bad = new DeviceMatrix<double>(gpu.Device, 6, 1);
        Assert.Throws<ArgumentException>("x", () => new GpuSketch(gpu.Device).Hadamard(bad));
    }

    [Theory]
    [InlineData(SketchKind.Srht, 1000, 40, 5)]
    [InlineData(SketchKind.Srht, 5000, 300, 3)]
    [InlineData(SketchKind.Gaussian, 700, 30, 4)]
    [InlineData(SketchKind.Gaussian, 9000, 20, 2)]   // more than one generated block of columns
    public void Device_sketch_equals_the_cpu_sketch_for_the_same_seed(SketchKind kind, int n, int m, int columns)
    {
        var x = Data.Random(n * columns, 7);
        var op = new SketchOperator(kind, m, n, seed: 42);
        var expected = op.Apply(Matrix<double>.Build.Dense(n, columns, x)).ToColumnMajorArray();
        var sketch = new GpuSketch(gpu.Device);

        using var dx = DeviceMatrix<double>.Upload(gpu.Device, n, columns, x);
        using var sa = sketch.Apply(op, dx);
        Assert.True(MaxRelative(expected, sa.Download().ToColumnMajorArray()) < 1e-12);

        using var fx = DeviceMatrix<float>.Upload(gpu.Device, n, columns, Array.ConvertAll(x, v => (float)v));
        using var fa = sketch.Apply(op, fx);
        var single = Array.ConvertAll(fa.Download().ToColumnMajorArray(), v => (double)v);
        Assert.True(MaxRelative(expected, single) < 1e-5);
    }

    [Fact]
    public void Solver_with_the_gpu_backend_matches_the_cpu_solver()
    {
        var p = LeastSquaresTestProblem.Generate(1000, 16, Coherence.Coherent, 1e3, 1.0, seed: 3);
        var options = new SketchedLeastSquaresOptions { Rows = 64, Seed = 9 };
        var cpu = SketchedLeastSquares.Solve(p.A, p.B, options);
        var dev = SketchedLeastSquares.Solve(p.A, p.B, options with { Backend = new GpuSketchBackend(gpu.Device) });
        Assert.True((cpu.X - dev.X).L2Norm() <= 1e-10 * cpu.X.L2Norm(), $"cpu vs device sketch-and-solve: {(cpu.X - dev.X).L2Norm() / cpu.X.L2Norm():E2}");
        var single = SketchedLeastSquares.Solve(p.A, p.B, options with { Method = LeastSquaresMethod.SketchAndPrecondition, Backend = new GpuSketchBackend(gpu.Device, singlePrecision: true) });
        var qr = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Qr });
        // Both are accurate to the problem's own sensitivity κ·u + κ²·u·‖r‖/‖A·x‖ (κ = 1e3).
        double sensitivity = 1e3 * 2.2e-16 + 1e6 * 2.2e-16 * p.ResidualNorm / (p.A * p.XStar).L2Norm();
        Assert.True((single.X - qr.X).L2Norm() <= 10 * sensitivity * qr.X.L2Norm(), $"fp32-sketch preconditioning vs QR: {(single.X - qr.X).L2Norm() / qr.X.L2Norm():E2} after {single.Iterations} iterations, {single.Status}");
    }

    [Fact]
    public void CountSketch_and_mismatched_inputs_are_rejected()
    {
        var sketch = new GpuSketch(gpu.Device);
        using var x = new DeviceMatrix<double>(gpu.Device, 10, 2);
        Assert.Throws<NotSupportedException>(() => sketch.Apply(new SketchOperator(SketchKind.CountSketch, 4, 10, 0), x));
        Assert.Throws<ArgumentException>("x", () => sketch.Apply(new SketchOperator(SketchKind.Srht, 4, 11, 0), x));
    }
}
