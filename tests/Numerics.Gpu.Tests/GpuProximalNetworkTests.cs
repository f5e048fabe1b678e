using Numerics.Optimization;
using Numerics.Proximal;
using Numerics.Random;

namespace Numerics.Gpu.Tests;

/// <summary>
/// The dense learned proximal network on the device against the host network (whose derivatives
/// Core's tests check by finite differences) with the same θ: ψ, the prox, Hessian-vector products
/// and the training gradient, for several shapes and batch sizes, in float64 and float32; training
/// steps driven by Core's <see cref="ProximalTrainer"/>; and the refusals of bad arguments.
/// </summary>
/// <remarks>
/// The device runs the host's products and element-wise formulas, but its GEMM sums in another order
/// (16-wide slabs; the weight gradients in 256-column chunks), adds the bias after the product instead
/// of before, and evaluates exp/log with its own polynomials (a few ulp from the host's). Each value is
/// a sum over at most max(h, n) terms per layer (2m for a weight gradient) through at most 2K layers,
/// so with unit-size θ and inputs the float64 results agree to about K·γ_{2m}·(sum of magnitudes) ≈ 1e-13
/// relative; <see cref="DoubleAgreement"/> leaves a factor 10. Batch sizes cover one column, odd
/// sizes, and 2m above the 256-column chunk (130: one full chunk and a remainder; 301: two and a remainder).
/// </remarks>
[Collection("gpu")]
public sealed class GpuProximalNetworkTests(GpuFixture gpu)
{
    /// <summary>Float64 device against host, relative to the largest magnitude of the host result.</summary>
    private const double DoubleAgreement = 1e-12;

    /// <summary>
    /// Float32 device against float64 host evaluated at the same float-rounded θ and inputs, so only
    /// the float arithmetic is measured: each value is a chain of at most 4K products and sums of at
    /// most 50 terms (weight gradients: float GEMM tiles over 2m ≤ 602 columns, chunk sums in float64),
    /// each rounded at u = 6e-8. Random-sign rounding grows like √(terms) per sum, a few u per layer;
    /// the widest case (K = 5, h = 50) was measured at 6e-7 for the gradient and 8e-8 for f on the CPU
    /// simulator. 1e-5 (≈ 170u) leaves a factor 15 for CUDA's fused multiply-adds and other inputs.
    /// </summary>
    private const double SingleAgreement = 1e-5;

    public static TheoryData<int, int, int, double, double, int> Shapes() => new()
    {
        // n, h, K, β, α, m
        { 1, 50, 5, 10, 0, 1 },
        { 1, 50, 5, 10, 0, 9 },
        { 3, 7, 3, 2, 0.05, 7 },
        { 3, 7, 2, 2, 0.05, 130 },
        { 5, 13, 1, 1, 0.01, 33 },
        { 2, 5, 2, 4, 0, 301 },
    };

    private static LearnedProximalNetwork Network(int n, int h, int layers, double beta, double alpha, ulong seed)
    {
        var net = new LearnedProximalNetwork(new ProximalNetworkArchitecture { InputDimension = n, Width = h, Layers = layers, Beta = beta, Alpha = alpha }, seed);
        // Move θ off the initialisation (whose hidden-path weights are clipped at 0 in places) while keeping it
        // feasible: a factor in [0.5, 1.5] keeps every sign and a positive shift lifts the zeros.
        var theta = net.Parameters.ToArray();
        var factor = Data.Random(theta.Length, (int)seed + 100);
        var shift = Data.Random(theta.Length, (int)seed + 200);
        for (int i = 0; i < theta.Length; i++) theta[i] = theta[i] * (1 + 0.5 * factor[i]) + 0.05 * Math.Abs(shift[i]);
        net.SetParameters(theta);
        return net;
    }

    /// <summary>Inputs spread over [−3, 3], where softplus_β runs through its curved part and both linear ends.</summary>
    private static double[] Inputs(int length, int seed) => Data.Random(length, seed).Select(v => 3 * v).ToArray();

    private static void Agree(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= tolerance * scale, $"{what}: max difference {worst:e3} > {tolerance:e1}·{scale:e3}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DoubleDeviceNetworkEqualsTheHostNetwork(int n, int h, int layers, double beta, double alpha, int m)
    {
        var host = Network(n, h, layers, beta, alpha, (ulong)(7 * n + h));
        using var device = new GpuProximalNetwork<double>(gpu.Device, host);
        Compare(host, device, n, m, DoubleAgreement);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SingleDeviceNetworkEqualsTheHostNetworkToFloatRounding(int n, int h, int layers, double beta, double alpha, int m)
    {
        var host = Network(n, h, layers, beta, alpha, (ulong)(7 * n + h));
        using var device = new GpuProximalNetwork<float>(gpu.Device, host);
        // The host reference evaluates θ and inputs rounded to float, so only the float arithmetic is measured.
        var rounded = new LearnedProximalNetwork(host.Architecture, host.Parameters.ToArray().Select(v => (double)(float)v).ToArray());
        Compare(rounded, device, n, m, SingleAgreement, roundInputs: true);
    }

    private static void Compare(LearnedProximalNetwork host, InputConvexNetwork device, int n, int m, double tolerance, bool roundInputs = false)
    {
        double[] Round(double[] v) => roundInputs ? v.Select(x => (double)(float)x).ToArray() : v;
        var y = Round(Inputs(n * m, 1 + m));
        var v = Round(Data.Random(n * m, 2 + m));
        var r = Round(Data.Random(n * m, 3 + m));

        double[] hostPsi = new double[m], devicePsi = new double[m], hostX = new double[n * m], deviceX = new double[n * m];
        host.PotentialAndProx(y, hostPsi, hostX);
        device.PotentialAndProx(y, devicePsi, deviceX);
        Agree(hostPsi, devicePsi, tolerance, "ψ");
        Agree(hostX, deviceX, tolerance, "f");

        double[] hostHv = new double[n * m], deviceHv = new double[n * m];
        host.HessianVectorProduct(y, v, hostHv);
        device.HessianVectorProduct(y, v, deviceHv);
        Agree(hostHv, deviceHv, tolerance, "∇²ψ·v");

        double[] hostG = new double[host.ParameterCount], deviceG = new double[host.ParameterCount];
        host.ParameterGradient(y, r, hostG);
        device.ParameterGradient(y, r, deviceG);
        Agree(hostG, deviceG, tolerance, "∇θ⟨r, f⟩");
    }

    [Fact]
    public void DeviceBatchesGiveTheHostSpanResultsAndMayBeEvaluatedInPlace()
    {
        const int n = 3, m = 41;
        var host = Network(n, 9, 3, 3, 0.02, 5);
        using var device = new GpuProximalNetwork<double>(gpu.Device, host);
        var y = Inputs(n * m, 8);
        var r = Data.Random(n * m, 9);
        double[] psi = new double[m], x = new double[n * m], hv = new double[n * m], g = new double[device.ParameterCount];
        device.PotentialAndProx(y, psi, x);
        device.HessianVectorProduct(y, r, hv);
        device.ParameterGradient(y, r, g);

        using var dy = DeviceMatrix<double>.Upload(gpu.Device, n, m, y);
        using var dr = DeviceMatrix<double>.Upload(gpu.Device, n * m, 1, r);
        using var dPsi = new DeviceMatrix<double>(gpu.Device, 1, m);
        using var dX = new DeviceMatrix<double>(gpu.Device, n, m);
        using var dHv = new DeviceMatrix<double>(gpu.Device, n, m);
        device.Potential(dy, dPsi);
        device.Prox(dy, dX);
        device.HessianVectorProduct(dy, dr, dHv);
        var deviceG = new double[device.ParameterCount];
        device.ParameterGradient(dy, dr, deviceG);
        Assert.Equal(psi, Download(dPsi));
        Assert.Equal(x, Download(dX));
        Assert.Equal(hv, Download(dHv));
        Assert.Equal(g, deviceG);

        device.Prox(dy, dy);
        Assert.Equal(x, Download(dy));
    }

    private static double[] Download(DeviceMatrix<double> m)
    {
        var host = new double[m.Length];
        m.CopyTo(host);
        return host;
    }

    /// <summary>x ~ N(0, 1) in ℝⁿ.</summary>
    private sealed class GaussianSamples(int dimension) : IProximalTrainingData
    {
        public int Dimension => dimension;

        public void Sample(CounterRng rng, long step, Span<double> batch) => rng.FillNormal(batch, step * batch.Length);
    }

    /// <summary>
    /// Core's trainer (Adam, the projection, the staged losses) on the device network and on the host
    /// network from the same θ and seed: the same steps and status, and θ and the stage losses equal to
    /// rounding. Adam's step is lr·m̂/(√v̂ + ε), bounded by lr per coordinate whatever the gradient,
    /// and a gradient perturbed by 1e-12 relative moves it by about lr·1e-12; over 6 steps at lr ≤ 1e-2
    /// θ differs by ≲ 1e-13, and 1e-10 leaves room for the ε-dominated coordinates.
    /// </summary>
    [Theory]
    [InlineData(1, 20, 3, 37)]
    [InlineData(2, 6, 2, 150)]
    public void TrainingStepsOnTheDeviceEqualTheHostSteps(int n, int h, int layers, int batch)
    {
        var architecture = new ProximalNetworkArchitecture { InputDimension = n, Width = h, Layers = layers, Alpha = 0.01 };
        var cpu = new LearnedProximalNetwork(architecture, 4);
        using var device = new GpuProximalNetwork<double>(gpu.Device, cpu);
        var options = new ProximalTrainingOptions
        {
            Stages = [new(ProximalLoss.AbsoluteError, 2, 1e-2), new(ProximalLoss.SquaredError, 2, 5e-3), new(ProximalLoss.ProximalMatching, 2, 1e-3, 0.5)],
            BatchSize = batch,
            NoiseLevel = 0.5,
            Seed = 19,
        };
        var data = new GaussianSamples(n);
        var hostResult = ProximalTrainer.Train(cpu, data, options);
        var deviceResult = ProximalTrainer.Train(device, data, options);
        Assert.Equal(hostResult.Status, deviceResult.Status);
        Assert.Equal(6, deviceResult.Steps);
        Agree(hostResult.StageLosses.ToArray(), deviceResult.StageLosses.ToArray(), 1e-12, "stage losses");
        var hostTheta = cpu.Parameters.ToArray();
        var deviceTheta = device.Parameters.ToArray();
        for (int i = 0; i < hostTheta.Length; i++)
            Assert.True(Math.Abs(hostTheta[i] - deviceTheta[i]) <= 1e-10, $"θ[{i}] {deviceTheta[i]} vs {hostTheta[i]}");
        Assert.NotEqual(new LearnedProximalNetwork(architecture, 4).Parameters.ToArray(), deviceTheta);
        Assert.Equal(deviceTheta, device.ToHost().Parameters.ToArray());
    }

    [Fact]
    public void BadArgumentsAreRefusedNamingTheParameter()
    {
        const int n = 2, m = 5;
        var host = Network(n, 6, 2, 2, 0, 3);
        using var device = new GpuProximalNetwork<double>(gpu.Device, host);
        var y = Inputs(n * m, 4);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => device.Prox(y.AsSpan(0, n * m - 1), new double[n * m - 1])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => device.Prox([], [])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => device.Prox(y, new double[n * m + n])).ParamName);
        Assert.Equal("potential", Assert.Throws<ArgumentException>(() => device.Potential(y, new double[m + 1])).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => device.ParameterGradient(y, y, new double[device.ParameterCount - 1])).ParamName);
        Assert.Equal("r", Assert.Throws<ArgumentException>(() => device.ParameterGradient(y, y.AsSpan(1), new double[device.ParameterCount])).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => device.HessianVectorProduct(y, new double[n * m - 2], new double[n * m])).ParamName);
        var bad = (double[])y.Clone();
        bad[3] = double.NaN;
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => device.Prox(bad, new double[n * m])).ParamName);
        Assert.Equal("r", Assert.Throws<ArgumentException>(() => device.ParameterGradient(y, bad, new double[device.ParameterCount])).ParamName);

        using var dy = DeviceMatrix<double>.Upload(gpu.Device, n * m, 1, y);
        using var odd = new DeviceMatrix<double>(gpu.Device, n * m - 1, 1);
        using var dBad = DeviceMatrix<double>.Upload(gpu.Device, n * m, 1, bad);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => device.Prox(odd, odd)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => device.Prox(dy, odd)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => device.Prox(dBad, dy)).ParamName);
        Assert.Equal("r", Assert.Throws<ArgumentException>(() => device.ParameterGradient(dy, dBad, new double[device.ParameterCount])).ParamName);
        Assert.Equal("potential", Assert.Throws<ArgumentException>(() => device.Potential(dy, dy)).ParamName);
        Assert.Throws<ArgumentNullException>(() => device.Prox(null!, dy));

        // A refused call leaves θ and the results of the next call as they were.
        var expected = new double[n * m];
        host.Prox(y, expected);
        var actual = new double[n * m];
        device.Prox(y, actual);
        Agree(expected, actual, DoubleAgreement, "f after refusals");
    }

    [Fact]
    public void ADisposedDeviceOrNetworkIsRefused()
    {
        var host = Network(1, 4, 2, 10, 0, 1);
        var other = GpuDevice.Create(GpuKind.CpuSimulator);
        other.Dispose();
        Assert.Equal("device", Assert.Throws<ArgumentException>(() => new GpuProximalNetwork<double>(other, host)).ParamName);
        Assert.Throws<ArgumentNullException>(() => new GpuProximalNetwork<double>(null!, host));
        Assert.Throws<ArgumentNullException>(() => new GpuProximalNetwork<double>(gpu.Device, null!));

        var device = new GpuProximalNetwork<double>(gpu.Device, host);
        device.Dispose();
        Assert.Throws<ObjectDisposedException>(() => device.Prox([0.5], new double[1]));
    }

    [Fact]
    public void TheDeviceSoftplusMatchesTheHostExpAndLog()
    {
        // The kernels' exponential and the softplus built on it, run on the host with the host's FMA.
        foreach (double x in new[] { 0.0, -1e-300, -1e-12, -0.3, -0.34657359, -0.5, -1, -7.5, -20, -100, -700, -708.5, -740, -745, -746 })
        {
            double expected = Math.Exp(x), actual = Kernels.DeviceSoftplus.ExpNonPositive<HostFusedMultiplyAdd>(x);
            Assert.True(Math.Abs(actual - expected) <= 5e-16 * expected || (expected < 1e-300 && Math.Abs(actual - expected) <= 1e-320), $"exp({x}) = {actual}, expected {expected}");
        }
        var rng = new System.Random(5);
        for (int i = 0; i < 2000; i++)
        {
            double x = -50 * rng.NextDouble();
            double expected = Math.Exp(x), actual = Kernels.DeviceSoftplus.ExpNonPositive<HostFusedMultiplyAdd>(x);
            Assert.True(Math.Abs(actual - expected) <= 5e-16 * expected, $"exp({x}) = {actual}, expected {expected}");
        }
        foreach (double beta in new[] { 0.5, 10 })
            foreach (double u in new[] { -80.0, -3, -0.01, 0, 1e-9, 0.2, 2.5, 60 })
            {
                var (z, s, c) = Kernels.DeviceSoftplus.Evaluate<HostFusedMultiplyAdd>(u, beta, 1 / beta);
                // Reference: the host's formulas with Math.Exp and Math.Log (log(1 + e) = e to within e²/2 below 1e-8).
                double t = beta * u, e = Math.Exp(-Math.Abs(t));
                double refZ = Math.Max(u, 0) + (e < 1e-8 ? e : Math.Log(1 + e)) / beta, refS = t >= 0 ? 1 / (1 + e) : e / (1 + e), refC = beta * e / ((1 + e) * (1 + e));
                Assert.True(Math.Abs(z - refZ) <= 1e-15 * Math.Max(Math.Abs(refZ), 1e-300), $"s({u}) = {z} vs {refZ}");
                Assert.True(Math.Abs(s - refS) <= 1e-15 * refS, $"s'({u}) = {s} vs {refS}");
                Assert.True(Math.Abs(c - refC) <= 1e-15 * refC, $"s''({u}) = {c} vs {refC}");
            }
    }
}
