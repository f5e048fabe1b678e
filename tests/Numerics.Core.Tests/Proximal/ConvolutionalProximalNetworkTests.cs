using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Proximal;
using Numerics.Random;
using static Numerics.Core.Tests.Proximal.LearnedProximalNetworkTests;
using static Numerics.Core.Tests.Proximal.ProximalTolerances;

namespace Numerics.Core.Tests.Proximal;

public class ConvolutionalProximalNetworkTests
{
    /// <summary>4×5 images (not square, so a swapped row/column index shows), two channels, 3×3 kernels, two layers.</summary>
    internal static readonly ConvolutionalNetworkArchitecture Small = new() { ImageHeight = 4, ImageWidth = 5, Channels = 2, KernelSize = 3, Layers = 2, Beta = 10, Alpha = 0.05 };

    /// <summary>Moves every hidden-path weight into the interior (θ ↦ θ/2 + 0.05), so θ can be perturbed both ways.</summary>
    internal static T Interior<T>(T net) where T : InputConvexNetwork
    {
        var p = net.Parameters.ToArray();
        foreach (var (start, length) in net.ConstrainedRanges())
            for (int i = start; i < start + length; i++) p[i] = p[i] * 0.5 + 0.05;
        net.SetParameters(p);
        return net;
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    internal static double Psi(InputConvexNetwork net, double[] y)
    {
        var v = new double[y.Length / net.InputDimension];
        net.Potential(y, v);
        return v.Sum();
    }

    private static double[] Shift(double[] y, double[] v, double t) => y.Zip(v, (a, b) => a + t * b).ToArray();

    /// <summary>The cross-correlation written from its definition, pixel by pixel with explicit bounds: the baseline for <see cref="SameConvolution"/>.</summary>
    private static double[] Reference(double[] kernel, double[] input, int images, int cin, int cout, int h, int w, int k)
    {
        int r = k / 2;
        var output = new double[images * cout * h * w];
        for (int img = 0; img < images; img++)
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        double s = 0;
                        for (int c = 0; c < cin; c++)
                            for (int a = 0; a < k; a++)
                                for (int b = 0; b < k; b++)
                                {
                                    int ii = i + a - r, jj = j + b - r;
                                    if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
                                    s += kernel[((o * cin + c) * k + a) * k + b] * input[((img * cin + c) * h + ii) * w + jj];
                                }
                        output[((img * cout + o) * h + i) * w + j] = s;
                    }
        return output;
    }

    [Theory]
    [InlineData(2, 3, 2, 4, 5, 3)]
    [InlineData(3, 1, 4, 6, 3, 5)]
    [InlineData(1, 2, 1, 2, 2, 5)] // kernel wider than the image: most taps fall in the padding
    [InlineData(2, 1, 3, 3, 4, 1)]
    public void ConvolutionItsAdjointAndItsKernelGradientMatchTheDefinition(int images, int cin, int cout, int h, int w, int k)
    {
        int n = h * w;
        var kernel = Gaussian(cout * cin * k * k, 1);
        var input = Gaussian(images * cin * n, 2);
        var outBar = Gaussian(images * cout * n, 3);
        var output = new double[images * cout * n];
        SameConvolution.Forward(kernel, 0, input, 0, output, 0, images, cin, cout, h, w, k);
        var expected = Reference(kernel, input, images, cin, cout, h, w, k);
        for (int i = 0; i < output.Length; i++) Assert.True(Math.Abs(output[i] - expected[i]) <= 1e-13, $"entry {i}");
        // ⟨outBar, K ⊛ x⟩ = ⟨Kᵀ ⊛ outBar, x⟩ defines the adjoint.
        var inBar = new double[input.Length];
        SameConvolution.Adjoint(kernel, 0, outBar, 0, inBar, 0, images, cin, cout, h, w, k);
        Assert.True(Math.Abs(Dot(outBar, expected) - Dot(inBar, input)) <= 1e-12 * (1 + Math.Abs(Dot(outBar, expected))));
        // The map is linear in K, so ⟨outBar, K ⊛ x⟩ = ⟨K, ∂/∂K⟩ exactly, entry by entry through unit kernels.
        var kernelBar = new double[kernel.Length];
        SameConvolution.KernelGradient(outBar, 0, input, 0, kernelBar, 0, images, cin, cout, h, w, k);
        for (int t = 0; t < kernel.Length; t++)
        {
            var unit = new double[kernel.Length];
            unit[t] = 1;
            double direct = Dot(outBar, Reference(unit, input, images, cin, cout, h, w, k));
            Assert.True(Math.Abs(direct - kernelBar[t]) <= 1e-12 * (1 + Math.Abs(direct)), $"tap {t}: {direct} vs {kernelBar[t]}");
        }
    }

    [Fact]
    public void ProxMatchesFiniteDifferencesOfThePotential()
    {
        var net = Interior(new ConvolutionalProximalNetwork(Small, 1));
        int n = Small.Pixels;
        for (ulong trial = 0; trial < 6; trial++)
        {
            var y = Gaussian(n, 100 + trial, 2);
            var v = Gaussian(n, 200 + trial);
            var f = new double[n];
            net.Prox(y, f);
            double fd = (Psi(net, Shift(y, v, Step)) - Psi(net, Shift(y, v, -Step))) / (2 * Step);
            Assert.True(Math.Abs(fd - Dot(f, v)) <= FiniteDifference * (1 + Math.Abs(Psi(net, y))), $"trial {trial}: fd {fd}, analytic {Dot(f, v)}");
        }
    }

    [Fact]
    public void HessianVectorProductMatchesFiniteDifferencesOfTheProx()
    {
        var net = Interior(new ConvolutionalProximalNetwork(Small with { Layers = 3 }, 2));
        int n = Small.Pixels, m = 3;
        var y = Gaussian(n * m, 11, 2);
        var v = Gaussian(n * m, 12);
        var hv = new double[n * m];
        net.HessianVectorProduct(y, v, hv);
        var fp = new double[n * m];
        var fm = new double[n * m];
        net.Prox(Shift(y, v, Step), fp);
        net.Prox(Shift(y, v, -Step), fm);
        for (int i = 0; i < n * m; i++)
        {
            double fd = (fp[i] - fm[i]) / (2 * Step);
            Assert.True(Math.Abs(fd - hv[i]) <= FiniteDifference * (1 + Math.Abs(hv[i])), $"entry {i}: fd {fd}, analytic {hv[i]}");
        }
    }

    [Fact]
    public void JacobianIsSymmetricAboveTheModulusAndThePotentialIsConvex()
    {
        var net = new ConvolutionalProximalNetwork(Small with { Layers = 3 }, 3);
        int n = Small.Pixels;
        for (ulong trial = 0; trial < 8; trial++)
        {
            var y = Gaussian(n, 300 + trial, 3);
            var u = Gaussian(n, 400 + trial);
            var v = Gaussian(n, 500 + trial);
            var hu = new double[n];
            var hv = new double[n];
            net.HessianVectorProduct(y, u, hu);
            net.HessianVectorProduct(y, v, hv);
            double uhv = Dot(u, hv), vhu = Dot(v, hu);
            Assert.True(Math.Abs(uhv - vhu) <= Symmetry * (1 + Math.Abs(uhv)), $"{uhv} vs {vhu}");
            Assert.True(Dot(v, hv) >= 2 * Small.Alpha * Dot(v, v) * (1 - ConvexitySlack), "curvature below 2α");
            // Convexity along the line through y and y + 3u; monotonicity of f on the same pair.
            var b = Shift(y, u, 3);
            double pa = Psi(net, y), pb = Psi(net, b), pm = Psi(net, Shift(y, u, 1.5));
            double scale = Math.Abs(pa) + Math.Abs(pb) + 1;
            Assert.True(pm <= (pa + pb) / 2 + ConvexitySlack * scale, "midpoint convexity");
            var fa = new double[n];
            var fb = new double[n];
            net.Prox(y, fa);
            net.Prox(b, fb);
            var d = b.Zip(y, (p, q) => p - q).ToArray();
            Assert.True(pb >= pa + Dot(fa, d) - ConvexitySlack * scale, "first-order convexity");
            Assert.True(Dot(fb.Zip(fa, (p, q) => p - q).ToArray(), d) >= 2 * Small.Alpha * Dot(d, d) - ConvexitySlack * scale, "strong monotonicity");
        }
    }

    [Theory]
    [InlineData(4, 5, 2, 3, 2)]
    [InlineData(3, 3, 1, 5, 3)] // kernel wider than the image
    [InlineData(2, 4, 3, 1, 1)] // one layer of 1×1 kernels: no hidden-path kernel
    [InlineData(5, 2, 2, 3, 3)]
    public void ParameterGradientMatchesFiniteDifferencesForEveryParameter(int h, int w, int channels, int kernel, int layers)
    {
        var shape = Small with { ImageHeight = h, ImageWidth = w, Channels = channels, KernelSize = kernel, Layers = layers };
        var net = Interior(new ConvolutionalProximalNetwork(shape, 5));
        int n = h * w, m = 2;
        var y = Gaussian(n * m, 21, 2);
        var r = Gaussian(n * m, 22);
        var g = new double[net.ParameterCount];
        net.ParameterGradient(y, r, g);
        var theta = net.Parameters.ToArray();
        var probe = net.Clone();
        var f = new double[n * m];
        double Phi(double[] parameters)
        {
            probe.SetParameters(parameters);
            probe.Prox(y, f);
            return Dot(r, f);
        }
        for (int i = 0; i < theta.Length; i++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += Step;
            minus[i] -= Step;
            double fd = (Phi(plus) - Phi(minus)) / (2 * Step);
            Assert.True(Math.Abs(fd - g[i]) <= FiniteDifference * (1 + Math.Abs(g[i])), $"parameter {i} of {theta.Length}: fd {fd}, analytic {g[i]}");
        }
    }

    [Fact]
    public void ABatchEqualsItsImagesOneAtATime()
    {
        var net = new ConvolutionalProximalNetwork(Small, 6);
        int n = Small.Pixels, m = 5;
        var y = Gaussian(n * m, 31, 2);
        var f = new double[n * m];
        var psi = new double[m];
        net.PotentialAndProx(y, psi, f);
        for (int j = 0; j < m; j++)
        {
            var fj = new double[n];
            var pj = new double[1];
            net.PotentialAndProx(y.AsSpan(n * j, n), pj, fj);
            Assert.True(Math.Abs(pj[0] - psi[j]) <= BatchConsistency * (1 + Math.Abs(psi[j])));
            for (int l = 0; l < n; l++) Assert.True(Math.Abs(fj[l] - f[n * j + l]) <= BatchConsistency * (1 + Math.Abs(fj[l])));
        }
    }

    [Fact]
    public void TrainingIsReproducibleAtAnyThreadCountAndKeepsTheHiddenPathNonNegative()
    {
        var shape = Small with { ImageHeight = 6, ImageWidth = 6, Channels = 3 };
        var images = Gaussian(2 * 12 * 12, 41);
        var data = new ImagePatchSamples(images, new Numerics.Bilevel.ImageShape(2, 12, 12), 6, 6);
        var options = new ProximalTrainingOptions { Stages = [new(ProximalLoss.SquaredError, 12, 0.05)], BatchSize = 40, NoiseLevel = 0.5, Seed = 3 };
        var backend = LinearAlgebraBackend.Current;
        double[] Run(int threads, out ProximalTrainingResult result)
        {
            var net = new ConvolutionalProximalNetwork(shape, 7);
            int violations = 0;
            var check = new Check(() =>
            {
                foreach (var (start, length) in net.ConstrainedRanges())
                    foreach (double p in net.Parameters.Slice(start, length))
                        if (p < 0) violations++;
            });
            // A large learning rate drives many hidden-path weights below 0 before each projection.
            using (backend.UseThreads(threads)) result = ProximalTrainer.Train(net, data, options with { Progress = check });
            Assert.Equal(0, violations);
            Assert.Contains(0.0, net.Parameters.Slice(net.Layout.W(2), 9 * 9).ToArray());
            return net.Parameters.ToArray();
        }
        var one = Run(1, out var first);
        Assert.Equal(one, Run(2, out _));
        Assert.Equal(SolverStatus.MaxIterations, first.Status);
    }

    [Fact]
    public void BadInputIsRejectedBeforeAnythingChanges()
    {
        var net = new ConvolutionalProximalNetwork(Small, 9);
        var before = net.Parameters.ToArray();
        Assert.Throws<ArgumentException>("architecture", () => new ConvolutionalProximalNetwork(Small with { KernelSize = 2 }));
        Assert.Throws<ArgumentException>("architecture", () => new ConvolutionalProximalNetwork(Small with { Channels = 0 }));
        Assert.Throws<ArgumentException>("architecture", () => new ConvolutionalProximalNetwork(Small with { ImageWidth = 0 }));
        Assert.Throws<ArgumentException>("architecture", () => new ConvolutionalProximalNetwork(Small with { Beta = double.PositiveInfinity }));
        Assert.Throws<ArgumentException>("y", () => net.Prox(new double[21], new double[21]));
        Assert.Throws<ArgumentException>("y", () => net.Prox(Enumerable.Repeat(double.NaN, 20).ToArray(), new double[20]));
        Assert.Throws<ArgumentException>("x", () => net.Prox(new double[20], new double[40]));
        Assert.Throws<ArgumentException>("v", () => net.HessianVectorProduct(new double[20], new double[19], new double[20]));
        Assert.Throws<ArgumentException>("gradient", () => net.ParameterGradient(new double[20], new double[20], new double[3]));
        var negative = (double[])before.Clone();
        negative[net.Layout.W(2)] = -1e-3;
        Assert.Throws<ArgumentException>("parameters", () => net.SetParameters(negative));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    private sealed class Check(Action action) : IProgress<IterationProgress>
    {
        public void Report(IterationProgress value) => action();
    }
}
