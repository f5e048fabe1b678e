using Numerics.Optimization;
using Numerics.Proximal;
using static Numerics.Core.Tests.Proximal.ConvolutionalProximalNetworkTests;
using static Numerics.Core.Tests.Proximal.LearnedProximalNetworkTests;
using static Numerics.Core.Tests.Proximal.ProximalTolerances;

namespace Numerics.Core.Tests.Proximal;

public class PatchedProximalNetworkTests
{
    /// <summary>4×4 patches, α = 0.1 (so R is finite everywhere and the inversion is well conditioned).</summary>
    private static readonly ConvolutionalNetworkArchitecture Patch = new() { ImageHeight = 4, ImageWidth = 4, Channels = 2, KernelSize = 3, Layers = 2, Beta = 5, Alpha = 0.1 };

    /// <summary>A 7×6 image (neither side a multiple of the stride) cut into 4×4 patches with stride 2: four patches per pixel.</summary>
    private const int Height = 7, Width = 6;

    private static PatchedProximalNetwork Patched(ulong seed) => new(Interior(new ConvolutionalProximalNetwork(Patch, seed)), Height, Width);

    [Fact]
    public void EveryPixelIsCoveredEquallySoAQuadraticPatchPotentialGivesTheSameQuadratic()
    {
        // With w = 0 and a = 0, ψ(p) = α‖p‖² on a patch, and Ψ(x) = (1/c)·Σ_i α‖P_i E x‖² = α‖x‖²
        // exactly when every pixel lies in c patches: F(x) = 2αx. A pixel covered fewer times
        // (the unpadded construction's borders) would come out shrunk.
        var net = new ConvolutionalProximalNetwork(Patch, 1);
        var p = net.Parameters.ToArray();
        Array.Clear(p, net.Layout.OutputWeights, Patch.Channels + Patch.Pixels);
        net.SetParameters(p);
        foreach (var (h, w, stride) in new[] { (7, 6, 2), (4, 4, 4), (1, 9, 1), (3, 2, 2) })
        {
            var patched = new PatchedProximalNetwork(net, 4, 4, h, w, stride);
            Assert.Equal(4 / stride * (4 / stride), patched.Coverage);
            var x = Gaussian(h * w * 2, 5);
            var f = new double[x.Length];
            var psi = new double[2];
            patched.PotentialAndProx(x, psi, f);
            for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(f[i] - 2 * Patch.Alpha * x[i]) <= 1e-14, $"{h}×{w}/{stride}: pixel {i}");
            Assert.True(Math.Abs(psi[0] - Patch.Alpha * Dot(x.AsSpan(0, h * w), x.AsSpan(0, h * w))) <= 1e-13);
        }
    }

    [Fact]
    public void TheWholeImageMapIsTheGradientOfAConvexPotentialWithASymmetricJacobian()
    {
        var net = Patched(2);
        int n = Height * Width;
        for (ulong trial = 0; trial < 5; trial++)
        {
            var y = Gaussian(n, 10 + trial, 2);
            var v = Gaussian(n, 20 + trial);
            var u = Gaussian(n, 30 + trial);
            var f = new double[n];
            net.Prox(y, f);
            double fd = (Psi(net, y.Zip(v, (a, b) => a + Step * b).ToArray()) - Psi(net, y.Zip(v, (a, b) => a - Step * b).ToArray())) / (2 * Step);
            Assert.True(Math.Abs(fd - Dot(f, v)) <= FiniteDifference * (1 + Math.Abs(Psi(net, y))), $"∇Ψ: fd {fd}, analytic {Dot(f, v)}");
            var hv = new double[n];
            var hu = new double[n];
            net.HessianVectorProduct(y, v, hv);
            net.HessianVectorProduct(y, u, hu);
            var fp = new double[n];
            var fm = new double[n];
            net.Prox(y.Zip(v, (a, b) => a + Step * b).ToArray(), fp);
            net.Prox(y.Zip(v, (a, b) => a - Step * b).ToArray(), fm);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs((fp[i] - fm[i]) / (2 * Step) - hv[i]) <= FiniteDifference * (1 + Math.Abs(hv[i])), $"HVP entry {i}");
            Assert.True(Math.Abs(Dot(u, hv) - Dot(v, hu)) <= Symmetry * (1 + Math.Abs(Dot(u, hv))));
            Assert.True(Dot(v, hv) >= 2 * Patch.Alpha * Dot(v, v) * (1 - ConvexitySlack));
        }
    }

    [Fact]
    public void TheUnpaddedAverageOfTheOfficialCodeIsNotAGradientField()
    {
        // Patches of the unpadded image (origins 0, 2, …, H − 4), each pixel divided by its own
        // coverage: the Jacobian, by central differences, is not symmetric. The symmetry test
        // above therefore can fail, and the padding is what makes the construction a prox.
        var patchNet = Interior(new ConvolutionalProximalNetwork(Patch, 3));
        const int h = 8, w = 8;
        double[] Average(double[] x)
        {
            var sum = new double[h * w];
            var count = new double[h * w];
            var patch = new double[16];
            var fp = new double[16];
            for (int r0 = 0; r0 + 4 <= h; r0 += 2)
                for (int c0 = 0; c0 + 4 <= w; c0 += 2)
                {
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++) patch[i * 4 + j] = x[(r0 + i) * w + c0 + j];
                    patchNet.Prox(patch, fp);
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++)
                        {
                            sum[(r0 + i) * w + c0 + j] += fp[i * 4 + j];
                            count[(r0 + i) * w + c0 + j]++;
                        }
                }
            return sum.Zip(count, (s, c) => s / c).ToArray();
        }
        var y = Gaussian(h * w, 40, 2);
        double Jacobian(int i, int j)
        {
            var plus = (double[])y.Clone();
            var minus = (double[])y.Clone();
            plus[j] += Step;
            minus[j] -= Step;
            return (Average(plus)[i] - Average(minus)[i]) / (2 * Step);
        }
        // A corner pixel (coverage 1) against its neighbour on the first row (coverage 1 at column 1,
        // 2 at column 2): J[0, 2] = ∂f/∂y₂ seen from one patch, J[2, 0] that divided by 2.
        double a = Jacobian(0, 2), b = Jacobian(2, 0);
        Assert.True(Math.Abs(a - b) > 1e3 * FiniteDifference * (1 + Math.Abs(a)), $"J[0,2] = {a}, J[2,0] = {b}");
        var padded = new PatchedProximalNetwork(patchNet, 4, 4, h, w, 2);
        var e0 = new double[h * w];
        var e2 = new double[h * w];
        e0[0] = 1;
        e2[2] = 1;
        var h0 = new double[h * w];
        var h2 = new double[h * w];
        padded.HessianVectorProduct(y, e2, h2);
        padded.HessianVectorProduct(y, e0, h0);
        Assert.True(Math.Abs(h2[0] - h0[2]) <= Symmetry * (1 + Math.Abs(h2[0])));
    }

    [Fact]
    public void TheImageProxIsTheGlobalMinimiserOfItsProximalObjective()
    {
        // x = F(v) must minimise ½‖v − z‖² + R(z) over all z, with R evaluated independently by
        // inverting F (L-BFGS + Newton on the whole 42-pixel image), and must satisfy v − x = ∇R(x).
        var net = Patched(4);
        int n = Height * Width;
        var tight = new RegularizerOptions { Tolerance = Inversion };
        for (ulong trial = 0; trial < 2; trial++)
        {
            var v = Gaussian(n, 50 + trial, 1.5);
            var x = new double[n];
            net.Prox(v, x);
            var at = LearnedRegularizer.Evaluate(net, x, tight);
            Assert.True(at.AllConverged, $"{at.Statuses[0]} residual {at.Residuals[0]}");
            double gap = Math.Sqrt(v.Zip(at.Preimages, (p, q) => (p - q) * (p - q)).Sum());
            // ψ is 2α-strongly convex, so ‖ŷ − v‖ ≤ residual/(2α): the stationarity v − x = ∇R(x) = ŷ − x.
            Assert.True(gap <= at.Residuals[0] / (2 * Patch.Alpha) * (1 + 1e-6) + 1e-12, $"‖ŷ − v‖ = {gap}");
            double best = 0.5 * v.Zip(x, (p, q) => (p - q) * (p - q)).Sum() + at.Values[0];
            const int candidates = 12;
            var zs = Gaussian(n * candidates, 60 + trial);
            for (int i = 0; i < zs.Length; i++) zs[i] = x[i % n] + zs[i] * (i < zs.Length / 2 ? 0.05 : 1.0);
            var rz = LearnedRegularizer.Evaluate(net, zs, tight);
            Assert.True(rz.AllConverged);
            for (int j = 0; j < candidates; j++)
            {
                double candidate = 0.5 * v.Zip(zs.Skip(j * n).Take(n), (p, q) => (p - q) * (p - q)).Sum() + rz.Values[j];
                Assert.True(best <= candidate + OptimalitySlack * (1 + Math.Abs(candidate)), $"F(v) scores {best}, candidate {j} scores {candidate}");
            }
        }
    }

    [Fact]
    public void ParameterGradientMatchesFiniteDifferences()
    {
        var net = Patched(5);
        int n = Height * Width;
        var y = Gaussian(2 * n, 70, 2);
        var r = Gaussian(2 * n, 71);
        var g = new double[net.ParameterCount];
        net.ParameterGradient(y, r, g);
        var theta = net.Parameters.ToArray();
        var probe = net.Clone();
        var f = new double[2 * n];
        for (int i = 0; i < theta.Length; i++)
        {
            double Phi(double delta)
            {
                var t = (double[])theta.Clone();
                t[i] += delta;
                probe.SetParameters(t);
                probe.Prox(y, f);
                return Dot(r, f);
            }
            double fd = (Phi(Step) - Phi(-Step)) / (2 * Step);
            Assert.True(Math.Abs(fd - g[i]) <= FiniteDifference * (1 + Math.Abs(g[i])), $"parameter {i}: fd {fd}, analytic {g[i]}");
        }
    }

    [Fact]
    public void TheTrainingPathEqualsTheProxAndTheParameterGradient()
    {
        // The trainer's two calls (prox keeping its passes, then the gradient reusing them and the
        // gathered buffer) against the public prox and gradient on the same batch.
        var net = Patched(8);
        int n = Height * Width;
        var y = Gaussian(3 * n, 80, 2);
        var r = Gaussian(3 * n, 81);
        var x = new double[3 * n];
        var g = new double[net.ParameterCount];
        net.TrainingProx(y, x);
        net.TrainingParameterGradient(r, g);
        var expectedX = new double[3 * n];
        var expectedG = new double[net.ParameterCount];
        net.Clone().Prox(y, expectedX);
        net.Clone().ParameterGradient(y, r, expectedG);
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - expectedX[i]) <= BatchConsistency * (1 + Math.Abs(x[i])));
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(g[i] - expectedG[i]) <= BatchConsistency * (1 + Math.Abs(g[i])), $"parameter {i}");
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        var net = new ConvolutionalProximalNetwork(Patch, 6);
        Assert.Throws<ArgumentException>("stride", () => new PatchedProximalNetwork(net, 4, 4, 8, 8, 3));
        Assert.Throws<ArgumentException>("stride", () => new PatchedProximalNetwork(net, 4, 4, 8, 8, 0));
        Assert.Throws<ArgumentException>("patchHeight", () => new PatchedProximalNetwork(net, 4, 5, 8, 8, 1));
        Assert.Throws<ArgumentException>("imageHeight", () => new PatchedProximalNetwork(net, 4, 4, 0, 8, 2));
        var patched = new PatchedProximalNetwork(net, 8, 8);
        Assert.Equal(2, patched.Stride);
        Assert.Throws<ArgumentException>("y", () => patched.Prox(new double[63], new double[63]));
        Assert.Throws<ArgumentException>("x", () => patched.Prox(new double[64], new double[16]));
        Assert.Throws<ArgumentException>("network", () => ProximalNetworkFile.Serialize(patched));
    }
}
