using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Gpu.Tests;

/// <summary>
/// The device image operators against <see cref="HostImageOperators"/> (itself checked against brute
/// force and its adjoints in Core's tests), and their adjoint identities with device dots. Two images
/// of 12×14 and 5×5 filters: the CPU simulator pays per simulated thread.
/// </summary>
/// <remarks>
/// D, Dᵀ, K and Kᵀ form each output element with the host's operations in the host's order, so on
/// the simulator they are the host's bits; D and Dᵀ (additions only) are exact on CUDA as well, while
/// CUDA may fuse K's products into its sums (<see cref="FusedRounding"/>). The filter gradient is a
/// reduction whose order differs from the host's SIMD dots (<see cref="ReductionRounding"/>).
/// </remarks>
[Collection("gpu")]
public sealed class GpuImageOperatorTests(GpuFixture gpu) : IDisposable
{
    private const double U = 1.1102230246251565e-16;
    private const int K = 5;
    private static readonly ImageShape Shape = new(2, 12, 14);

    /// <summary>
    /// ⟨Kx, y⟩ against ⟨x, Kᵀy⟩ on the device: two different sums of the same ≤ 2·P·k² = 16800
    /// products, each within γ_n·Σ|terms| ≈ 2e-12·Σ|terms| of the exact value in the worst case, and
    /// Σ|terms| ≤ ‖x‖‖y‖·‖K‖; rounding errors that are random in sign leave a factor 100 below that, so
    /// 1e-12·‖x‖‖y‖·‖K‖ (the Core tests' figure) with ‖D‖ ≤ 3 and ‖K‖ ≤ ‖c‖₁.
    /// </summary>
    private const double Adjointness = 1e-12;

    private readonly GpuImageOperators<double> _images = new(gpu.Device);
    private readonly GpuArithmetic<double> _ops = new(gpu.Device);

    public void Dispose() => _images.Dispose();

    private DeviceMatrix<double> Upload(double[] values) => DeviceMatrix<double>.Upload(gpu.Device, values.Length, 1, values);

    private static double[] Download(DeviceMatrix<double> m)
    {
        var host = new double[m.Length];
        m.CopyTo(host);
        return host;
    }

    /// <summary>
    /// K and Kᵀ on CUDA, where each of an output's ≤ k² products may be fused into the running sum:
    /// each fusion skips one rounding of at most u·|running sum| ≤ u·‖c‖₁·max|x|, so 2·k²·u·‖c‖₁·max|x|.
    /// </summary>
    private void FusedRounding(double[] expected, double[] actual, double scale)
    {
        if (gpu.Device.Kind == GpuKind.CpuSimulator)
        {
            Assert.Equal(expected, actual);
            return;
        }
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2 * K * K * U * scale, $"[{i}] {actual[i]} vs {expected[i]}");
    }

    public static TheoryData<int, int, int> Shapes => new() { { 2, 12, 14 }, { 1, 1, 1 }, { 1, 1, 7 }, { 1, 6, 1 } };

    [Theory, MemberData(nameof(Shapes))]
    public void Differences_and_their_adjoint_are_the_host_bits(int count, int height, int width)
    {
        var shape = new ImageShape(count, height, width);
        var x = Data.Random(shape.Pixels, 1);
        var y = Data.Random(2 * shape.Pixels, 2);
        var dx = new double[2 * shape.Pixels];
        var dty = new double[shape.Pixels];
        HostImageOperators.Instance.Differences(shape, x, dx);
        HostImageOperators.Instance.DifferencesAdjoint(shape, y, dty);
        using var gx = Upload(x);
        using var gy = Upload(y);
        using var gdx = new DeviceMatrix<double>(gpu.Device, 2 * shape.Pixels, 1);
        using var gdty = new DeviceMatrix<double>(gpu.Device, shape.Pixels, 1);
        _images.Differences(shape, gx, gdx);
        _images.DifferencesAdjoint(shape, gy, gdty);
        // One subtraction per difference and signed additions in the host's order: exact on every device.
        Assert.Equal(dx, Download(gdx));
        Assert.Equal(dty, Download(gdty));
        double left = _ops.Dot(gdx, gy), right = _ops.Dot(gx, gdty);
        Assert.True(Math.Abs(left - right) <= Adjointness * 3 * _ops.Norm(gx) * _ops.Norm(gy), $"{left} vs {right}");
    }

    [Fact]
    public void Correlation_its_adjoint_and_the_filter_gradient_match_the_host_and_are_adjoint()
    {
        var filter = Data.Random(K * K, 3);
        var output = HostImageOperators.ResponseShape(Shape, filter, K);
        var x = Data.Random(Shape.Pixels, 4);
        var r = Data.Random(output.Pixels, 5);
        var kx = new double[output.Pixels];
        var ktr = new double[Shape.Pixels];
        var gradient = new double[K * K];
        HostImageOperators.Instance.Correlate(Shape, filter, K, x, kx);
        HostImageOperators.Instance.CorrelateAdjoint(Shape, filter, K, r, ktr);
        HostImageOperators.Instance.CorrelationFilterGradient(Shape, K, x, r, gradient);

        using var gx = Upload(x);
        using var gr = Upload(r);
        using var gkx = new DeviceMatrix<double>(gpu.Device, output.Pixels, 1);
        using var gktr = new DeviceMatrix<double>(gpu.Device, Shape.Pixels, 1);
        var deviceGradient = new double[K * K];
        _images.Correlate(Shape, filter, K, gx, gkx);
        _images.CorrelateAdjoint(Shape, filter, K, gr, gktr);
        _images.CorrelationFilterGradient(Shape, K, gx, gr, deviceGradient);

        double l1 = SpanArithmetic.SumOfMagnitudes<double>(filter);
        FusedRounding(kx, Download(gkx), l1 * SpanArithmetic.MaxAbs<double>(x));
        FusedRounding(ktr, Download(gktr), l1 * SpanArithmetic.MaxAbs<double>(r));

        // Each tap sums m = N·(H − k + 1)·(W − k + 1) products: host and device each lie within γ_m·Σ|wx|
        // of the exact sum (Higham, Thm 3.1), Σ|wx| being the gradient of |x| against |r|.
        var magnitudes = new double[K * K];
        HostImageOperators.Instance.CorrelationFilterGradient(Shape, K, Array.ConvertAll(x, Math.Abs), Array.ConvertAll(r, Math.Abs), magnitudes);
        int m = output.Pixels;
        double gamma = m * U / (1 - m * U);
        for (int t = 0; t < K * K; t++)
            Assert.True(Math.Abs(gradient[t] - deviceGradient[t]) <= 2 * gamma * magnitudes[t], $"tap {t}: {deviceGradient[t]} vs {gradient[t]}");

        double scale = _ops.Norm(gx) * _ops.Norm(gr) * l1;
        double left = _ops.Dot(gkx, gr);
        Assert.True(Math.Abs(left - _ops.Dot(gx, gktr)) <= Adjointness * scale, "⟨Kx, r⟩ = ⟨x, Kᵀr⟩");
        Assert.True(Math.Abs(left - SpanArithmetic.Dot<double>(filter, deviceGradient)) <= Adjointness * scale, "⟨K(c)x, r⟩ = ⟨c, G(x, r)⟩");
    }

    [Fact]
    public void Filters_are_found_again_after_the_slots_wrap_around_and_after_a_resize()
    {
        // More distinct filters than slots, then the first ones again: a stale slot would give another filter's response.
        const int k = 3;
        var output = new ImageShape(Shape.Count, Shape.Height - k + 1, Shape.Width - k + 1);
        var x = Data.Random(Shape.Pixels, 6);
        using var gx = Upload(x);
        using var gkx = new DeviceMatrix<double>(gpu.Device, output.Pixels, 1);
        var filters = Enumerable.Range(0, GpuImageOperators<double>.FilterSlots + 2).Select(s => Data.Random(k * k, 100 + s)).ToArray();
        var expected = new double[output.Pixels];
        foreach (int f in Enumerable.Range(0, filters.Length).Concat([0, 1, 2, filters.Length - 1, 2]))
        {
            HostImageOperators.Instance.Correlate(Shape, filters[f], k, x, expected);
            _images.Correlate(Shape, filters[f], k, gx, gkx);
            FusedRounding(expected, Download(gkx), SpanArithmetic.SumOfMagnitudes<double>(filters[f]) * SpanArithmetic.MaxAbs<double>(x));
        }
        // A filter of another size resizes the slots; the old size then has to be uploaded again.
        var large = Data.Random(K * K, 99);
        var largeOutput = HostImageOperators.ResponseShape(Shape, large, K);
        var largeExpected = new double[largeOutput.Pixels];
        HostImageOperators.Instance.Correlate(Shape, large, K, x, largeExpected);
        using var largeResult = new DeviceMatrix<double>(gpu.Device, largeOutput.Pixels, 1);
        _images.Correlate(Shape, large, K, gx, largeResult);
        FusedRounding(largeExpected, Download(largeResult), SpanArithmetic.SumOfMagnitudes<double>(large) * SpanArithmetic.MaxAbs<double>(x));
        HostImageOperators.Instance.Correlate(Shape, filters[0], k, x, expected);
        _images.Correlate(Shape, filters[0], k, gx, gkx);
        FusedRounding(expected, Download(gkx), SpanArithmetic.SumOfMagnitudes<double>(filters[0]) * SpanArithmetic.MaxAbs<double>(x));
    }

    [Fact]
    public void Float_storage_gives_the_host_values_of_the_float_inputs_rounded_to_float()
    {
        using var images = new GpuImageOperators<float>(gpu.Device);
        var filter = Data.Random(K * K, 7);
        var output = HostImageOperators.ResponseShape(Shape, filter, K);
        var x = Array.ConvertAll(Data.Random(Shape.Pixels, 8), v => (double)(float)v);
        var kx = new double[output.Pixels];
        HostImageOperators.Instance.Correlate(Shape, filter, K, x, kx);
        using var gx = DeviceMatrix<float>.Upload(gpu.Device, x.Length, 1, Array.ConvertAll(x, v => (float)v));
        using var gkx = new DeviceMatrix<float>(gpu.Device, output.Pixels, 1);
        images.Correlate(Shape, filter, K, gx, gkx);
        var actual = new float[output.Pixels];
        gkx.CopyTo(actual);
        // The sums run in float64 from the float values; only the stored result is rounded to float.
        var expected = Array.ConvertAll(kx, v => (float)v);
        if (gpu.Device.Kind == GpuKind.CpuSimulator)
        {
            Assert.Equal(expected, actual);
            return;
        }
        // On CUDA a fused float64 sum may land on the other side of a float rounding boundary: one float ulp more.
        double fused = 2 * K * K * U * SpanArithmetic.SumOfMagnitudes<double>(filter) * SpanArithmetic.MaxAbs<double>(x);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Math.Abs(expected[i]) * 1.2e-7 + fused, $"[{i}] {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void Bad_input_is_rejected_before_anything_is_written()
    {
        var filter = Data.Random(K * K, 9);
        using var gx = Upload(Data.Random(Shape.Pixels, 10));
        using var wrong = Upload(Data.Random(Shape.Pixels - 1, 11));
        var sentinel = Data.Random(2 * Shape.Pixels, 12);
        using var gd = Upload(sentinel);
        Assert.Equal("differences", Assert.Throws<ArgumentException>(() => _images.Differences(Shape, gx, wrong)).ParamName);
        Assert.Equal("differences", Assert.Throws<ArgumentException>(() => _images.Differences(Shape, wrong, gd)).ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentException>(() => _images.DifferencesAdjoint(Shape, gd, wrong)).ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentException>(() => _images.Correlate(Shape, filter, K, gx, gd)).ParamName);
        Assert.Equal("filter", Assert.Throws<ArgumentException>(() => _images.Correlate(Shape, filter.AsSpan(1).ToArray(), K, gx, gd)).ParamName);
        Assert.Equal("filterSize", Assert.Throws<ArgumentException>(() => _images.CorrelateAdjoint(Shape, new double[13 * 13], 13, gd, gx)).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => _images.CorrelationFilterGradient(Shape, K, gx, gd, new double[K * K])).ParamName);
        Assert.Equal(sentinel, Download(gd));
    }
}
