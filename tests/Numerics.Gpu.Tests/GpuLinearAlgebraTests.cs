using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;

namespace Numerics.Gpu.Tests;

[Collection("gpu")]
public class GpuLinearAlgebraTests(GpuFixture gpu)
{
    public static TheoryData<int, int, int, Transpose, Transpose> GemmShapes()
    {
        var data = new TheoryData<int, int, int, Transpose, Transpose>();
        foreach (var (m, n, k) in new[] { (1, 1, 1), (70, 3, 17), (3, 65, 33), (64, 64, 16), (33, 47, 5), (5, 4, 0) })
            foreach (var ta in new[] { Transpose.NoTranspose, Transpose.Transpose })
                foreach (var tb in new[] { Transpose.NoTranspose, Transpose.Transpose })
                    data.Add(m, n, k, ta, tb);
        return data;
    }

    [Theory, MemberData(nameof(GemmShapes))]
    public void Gemm_matches_the_cpu_backend_in_double_and_single(int m, int n, int k, Transpose ta, Transpose tb)
    {
        int ar = ta == Transpose.NoTranspose ? m : k, ac = ta == Transpose.NoTranspose ? k : m;
        int br = tb == Transpose.NoTranspose ? k : n, bc = tb == Transpose.NoTranspose ? n : k;
        var a = Data.Random(ar * ac, 1);
        var b = Data.Random(br * bc, 2);
        var c = Data.Random(m * n, 3);
        var expected = (double[])c.Clone();
        LinearAlgebraBackend.Managed.Gemm(ta, tb, m, n, k, 1.5, a, Math.Max(1, ar), b, Math.Max(1, br), -0.5, expected, Math.Max(1, m));

        using var da = DeviceMatrix<double>.Upload(gpu.Device, ar, ac, a);
        using var db = DeviceMatrix<double>.Upload(gpu.Device, br, bc, b);
        using var dc = DeviceMatrix<double>.Upload(gpu.Device, m, n, c);
        gpu.Ops.Gemm(ta, tb, 1.5, da, db, -0.5, dc);
        var got = new double[m * n];
        dc.CopyTo(got);
        // Both sums run over the same k terms in different orders: |Δ| ≤ 2k·u·Σ|aᵢbᵢ| ≤ 2k²u·1.5.
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 3 * Math.Max(1, k * k) * 1.2e-16 + 1e-15, $"[{i}] {got[i]} vs {expected[i]}");

        using var fa = DeviceMatrix<float>.Upload(gpu.Device, ar, ac, Array.ConvertAll(a, x => (float)x));
        using var fb = DeviceMatrix<float>.Upload(gpu.Device, br, bc, Array.ConvertAll(b, x => (float)x));
        using var fc = new DeviceMatrix<float>(gpu.Device, m, n);
        gpu.Ops.Gemm(ta, tb, 1f, fa, fb, 0f, fc);
        var gotF = fc.Download();
        var expectedF = new double[m * n];
        LinearAlgebraBackend.Managed.Gemm(ta, tb, m, n, k, 1.0, a, Math.Max(1, ar), b, Math.Max(1, br), 0.0, expectedF, Math.Max(1, m));
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                Assert.True(Math.Abs(gotF[i, j] - expectedF[i + j * m]) <= 2e-6 * Math.Max(1, k), $"float ({i},{j})");
    }

    [Fact]
    public void Gemm_with_beta_zero_ignores_NaN_in_C()
    {
        using var a = DeviceMatrix<double>.Upload(gpu.Device, Matrix<double>.Build.Dense(3, 2, 1.0));
        using var b = DeviceMatrix<double>.Upload(gpu.Device, Matrix<double>.Build.Dense(2, 4, 2.0));
        using var c = DeviceMatrix<double>.Upload(gpu.Device, Matrix<double>.Build.Dense(3, 4, double.NaN));
        gpu.Ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, a, b, 0.0, c);
        Assert.All(c.Download().ToColumnMajorArray(), v => Assert.Equal(4.0, v));
    }

    [Fact]
    public void Elementwise_kernels_match_host_arithmetic()
    {
        var x = Data.Random(300, 4);
        var y = Data.Random(300, 5);
        using var dx = DeviceMatrix<double>.Upload(gpu.Device, 20, 15, x);
        using var dy = DeviceMatrix<double>.Upload(gpu.Device, 20, 15, y);
        gpu.Ops.Axpby(2.0, dx, -3.0, dy);
        var got = dy.Download().ToColumnMajorArray();
        for (int i = 0; i < 300; i++) Assert.Equal(2 * x[i] - 3 * y[i], got[i], 1e-15);

        gpu.Ops.Scale(0.5, dx);
        gpu.Ops.AddToDiagonal(dx, 10.0);
        var sx = dx.Download();
        for (int j = 0; j < 15; j++)
            for (int i = 0; i < 20; i++)
                Assert.Equal(0.5 * x[i + j * 20] + (i == j ? 10 : 0), sx[i, j], 1e-15);

        var scales = Enumerable.Range(0, 15).Select(j => (double)j).ToArray();
        using var ds = DeviceMatrix<double>.Upload(gpu.Device, 15, 1, scales);
        gpu.Ops.ScaleColumns(dx, ds);
        var cx = dx.Download();
        for (int j = 0; j < 15; j++)
            for (int i = 0; i < 20; i++) Assert.Equal(sx[i, j] * j, cx[i, j], 1e-14);

        using var f = DeviceMatrix<float>.Upload(gpu.Device, 4, 1, new float[] { 1, 2, 3, 4 });
        using var g = DeviceMatrix<float>.Upload(gpu.Device, 4, 1, new float[] { 1, 1, 1, 1 });
        gpu.Ops.Axpby(2f, f, 1f, g);
        Assert.Equal(new float[] { 3, 5, 7, 9 }, g.Download().ToColumnMajorArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(257)]
    [InlineData(5_003)] // more than the simulator's 4 groups × 256 threads: exercises the grid-stride loop
    public void Reductions_match_host_sums_in_any_length(int n)
    {
        var x = Data.Random(n, 6);
        var y = Data.Random(n, 7);
        using var dx = DeviceMatrix<double>.Upload(gpu.Device, n, 1, x);
        using var dy = DeviceMatrix<double>.Upload(gpu.Device, n, 1, y);
        double tol = 1e-15 * n;
        Assert.Equal(x.Sum(), gpu.Ops.Sum(dx), tol);
        Assert.Equal(x.Zip(y, (a, b) => a * b).Sum(), gpu.Ops.Dot(dx, dy), tol);
        Assert.Equal(Math.Sqrt(x.Sum(v => v * v)), gpu.Ops.Norm(dx), tol);
        Assert.Equal(x.Max(Math.Abs), gpu.Ops.MaxAbs(dx));
        // Same device, same input ⇒ same bits (no atomics).
        Assert.Equal(gpu.Ops.Sum(dx), gpu.Ops.Sum(dx));

        using var fx = DeviceMatrix<float>.Upload(gpu.Device, n, 1, Array.ConvertAll(x, v => (float)v));
        Assert.Equal(x.Select(v => (double)(float)v).Sum(), gpu.Ops.Sum(fx), tol);
    }

    [Fact]
    public void Norm_does_not_overflow_and_max_abs_propagates_NaN()
    {
        using var big = DeviceMatrix<double>.Upload(gpu.Device, 2, 1, new[] { 3e300, -4e300 });
        Assert.Equal(5e300, gpu.Ops.Norm(big), 1e286);
        using var nan = DeviceMatrix<double>.Upload(gpu.Device, 3, 1, new[] { 1.0, double.NaN, 2.0 });
        Assert.True(double.IsNaN(gpu.Ops.MaxAbs(nan)));
    }

    [Fact]
    public void Column_reductions_match_host()
    {
        const int rows = 300, cols = 7;
        var a = Data.Random(rows * cols, 8);
        using var da = DeviceMatrix<double>.Upload(gpu.Device, rows, cols, a);
        var sums = gpu.Ops.ColumnSums(da);
        var norms = gpu.Ops.ColumnNorms(da);
        var maxes = gpu.Ops.ColumnMaxAbs(da);
        for (int j = 0; j < cols; j++)
        {
            var col = a.Skip(j * rows).Take(rows).ToArray();
            Assert.Equal(col.Sum(), sums[j], 1e-13);
            Assert.Equal(Math.Sqrt(col.Sum(v => v * v)), norms[j], 1e-13);
            Assert.Equal(col.Max(Math.Abs), maxes[j]);
        }
    }

    [Fact]
    public void Bad_arguments_are_rejected_before_any_work()
    {
        using var a = new DeviceMatrix<double>(gpu.Device, 3, 4);
        using var b = new DeviceMatrix<double>(gpu.Device, 5, 2);
        using var c = new DeviceMatrix<double>(gpu.Device, 3, 2);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => gpu.Ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, a, b, 0.0, c)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => gpu.Ops.Axpby(1.0, a, 0.0, c)).ParamName);
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => gpu.Ops.ScaleColumns(a, c)).ParamName);
        Assert.Equal("columnMajor", Assert.Throws<ArgumentException>(() => a.CopyFrom(new double[5])).ParamName);
        Assert.Throws<NotSupportedException>(() => new DeviceMatrix<int>(gpu.Device, 1, 1));
    }

    [Fact]
    public void Device_is_reported()
    {
        Assert.False(string.IsNullOrWhiteSpace(gpu.Device.ToString()));
        using var simulator = GpuDevice.Create(GpuKind.CpuSimulator);
        Assert.Equal(GpuKind.CpuSimulator, simulator.Kind);
    }
}
