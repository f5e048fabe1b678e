using MathNet.Numerics.LinearAlgebra;
using Numerics.Spectral;

namespace Numerics.Gpu.Tests;

[Collection("gpu")]
public class GpuSpectralTests(GpuFixture gpu)
{
    [Theory]
    [InlineData(SpectralMode.Soft, 24, 40)]
    [InlineData(SpectralMode.Soft, 40, 24)]
    [InlineData(SpectralMode.Hard, 16, 30)]
    [InlineData(SpectralMode.Polar, 20, 33)]
    public void Device_iteration_equals_the_cpu_iteration_in_double_and_single(SpectralMode mode, int m, int n)
    {
        var x = Matrix<double>.Build.Dense(m, n, Data.Random(m * n, m + n));
        double c = 0.8;
        var cpu = SpectralClip.Apply(mode, x, c);
        var clip = new GpuSpectralClip(gpu.Device);
        using var dx = DeviceMatrix<double>.Upload(gpu.Device, x);
        var dev = clip.Apply(mode, dx, c);
        using (dev.Value)
        {
            Assert.True(dev.Converged);
            Assert.True((dev.Value.Download() - cpu.Value).FrobeniusNorm() < 1e-10 * Math.Max(1, cpu.Value.FrobeniusNorm()));
        }
        using var fx = DeviceMatrix<float>.Upload(gpu.Device, m, n, Array.ConvertAll(x.ToColumnMajorArray(), v => (float)v));
        var single = clip.Apply(mode, fx, c);
        using (single.Value)
        {
            var h = Matrix<double>.Build.Dense(m, n, Array.ConvertAll(single.Value.Download().ToColumnMajorArray(), v => (double)v));
            Assert.True((h - cpu.Value).FrobeniusNorm() < 1e-4 * Math.Max(1, cpu.Value.FrobeniusNorm()));
        }
    }

    [Theory]
    [InlineData(SpectralMode.Soft, 10, 14)]
    [InlineData(SpectralMode.Soft, 14, 10)]
    [InlineData(SpectralMode.Hard, 8, 12)]
    [InlineData(SpectralMode.Polar, 9, 13)]
    public void Batch_runs_in_lock_step_and_equals_the_cpu_per_matrix(SpectralMode mode, int m, int n)
    {
        var clip = new GpuSpectralClip(gpu.Device);
        // Members with different scales: the batch shares one α and one stopping test.
        var hosts = Enumerable.Range(0, 3).Select(i => Matrix<double>.Build.Dense(m, n, Data.Random(m * n, 50 + i)) * Math.Pow(4, i)).ToArray();
        var batch = hosts.Select(h => DeviceMatrix<double>.Upload(gpu.Device, h)).ToArray();
        try
        {
            var results = clip.ApplyBatch(mode, batch, 1.0);
            for (int i = 0; i < hosts.Length; i++)
            {
                var expected = SpectralClip.Apply(mode, hosts[i], 1.0, new() { Method = SpectralMethod.Svd }).Value;
                using var got = results[i];
                Assert.True((got.Download() - expected).FrobeniusNorm() < 1e-9 * Math.Max(1, expected.FrobeniusNorm()), $"member {i}");
            }
        }
        finally
        {
            foreach (var b in batch) b.Dispose();
        }
    }

    [Fact]
    public void Batch_rejects_bad_input()
    {
        var clip = new GpuSpectralClip(gpu.Device);
        using var a = DeviceMatrix<double>.Upload(gpu.Device, 3, 4, Data.Random(12, 1));
        using var other = new DeviceMatrix<double>(gpu.Device, 4, 4);
        Assert.Throws<ArgumentException>("matrices", () => clip.ApplyBatch(SpectralMode.Soft, [a, other], 1.0));
        Assert.Throws<ArgumentException>("matrices", () => clip.ApplyBatch(SpectralMode.Soft, Array.Empty<DeviceMatrix<double>>(), 1.0));
        Assert.Throws<ArgumentException>("c", () => clip.Apply(SpectralMode.Soft, a, -1.0));
        using var nan = DeviceMatrix<double>.Upload(gpu.Device, 2, 2, [1, double.NaN, 0, 1]);
        Assert.Throws<ArgumentException>("x", () => clip.Apply(SpectralMode.Soft, nan, 1.0));
        using var packed = DeviceMatrixBatch<double>.Pack([nan, nan]);
        Assert.Throws<ArgumentException>("batch", () => clip.ApplyBatch(SpectralMode.Soft, packed, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => packed.Unpack(2));
    }
}
