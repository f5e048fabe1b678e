using Numerics.LinearAlgebra;
using Numerics.Proximal;
using Numerics.Random;

namespace Numerics.Bench.Report;

/// <summary>
/// The learned proximal network of the 1-D Laplacian example (width 50, five layers): time per
/// training step at batch 2000 against a plain forward pass and the prox in the same run.
/// </summary>
internal sealed class ProximalSection : IReportSection
{
    /// <summary>PyTorch 1.13 on the same 2 cores, per training step at batch 2000 (the figure the project set as the anchor; not measured here).</summary>
    private const double PyTorchMillisecondsPerStep = 35;

    /// <inheritdoc />
    public string Name => "proximal";

    /// <inheritdoc />
    public string Description => "learned proximal network: training step at batch 2000 against a forward pass and the prox";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        int batch = context.Smoke ? 200 : 2000, steps = context.Smoke ? 3 : 50;
        w.WriteLine($"## Learned proximal network (1-D Laplacian model: width 50, 5 layers, β = 10; batch {batch}; BLAS {LinearAlgebraBackend.Current.Kind})");
        w.WriteLine();
        var network = new LearnedProximalNetwork(null, 1);
        var y = new double[batch];
        new CounterRng(2).FillNormal(y);
        var psi = new double[batch];
        var x = new double[batch];
        var v = new double[batch];
        var g = new double[network.ParameterCount];
        double forward = Timing.Best(() => network.Potential(y, psi), 20);
        double prox = Timing.Best(() => network.Prox(y, x), 20);
        double hvp = Timing.Best(() => network.HessianVectorProduct(y, y, v), 20);
        double gradient = Timing.Best(() => network.ParameterGradient(y, y, g), 20);
        var options = LaplaceDenoisingExample.Options([new TrainingStage(ProximalLoss.ProximalMatching, steps, 1e-4, 0.5)]) with { BatchSize = batch };
        double step = Timing.Best(() => ProximalTrainer.Train(network.Clone(), new LaplaceSamples(), options), 3) / steps;
        var table = new ReportTable("operation", "ms", "× forward", "points/s");
        table.Add("forward ψ (baseline)", forward * 1e3, 1.0, batch / forward);
        table.Add("prox f = ∇ψ", prox * 1e3, prox / forward, batch / prox);
        table.Add("Hessian-vector product", hvp * 1e3, hvp / forward, batch / hvp);
        table.Add("training gradient ∂⟨r, f⟩/∂θ", gradient * 1e3, gradient / forward, batch / gradient);
        table.Add($"training step (mean of {steps}, Adam + projection)", step * 1e3, step / forward, batch / step);
        table.Write(w);
        if (!context.Smoke)
            w.WriteLine($"Anchor: PyTorch 1.13 on 2 cores, {PyTorchMillisecondsPerStep} ms per training step at batch 2000 (quoted, not measured in this run); this run: {PyTorchMillisecondsPerStep / (step * 1e3):F2}× that speed.");
        w.WriteLine();
        RunConvolutional(context);
    }

    /// <summary>The image example's convolutional network (8×8 patches, 8 channels, two layers) and the padded patch prox of a 64×64 image.</summary>
    private static void RunConvolutional(ReportContext context)
    {
        var w = context.Writer;
        int batch = context.Smoke ? 8 : 64, side = context.Smoke ? 16 : 64;
        var network = new ConvolutionalProximalNetwork(ImageDenoisingExample.Architecture, 1);
        int n = network.InputDimension;
        w.WriteLine($"## Convolutional learned proximal network (8×8, 8 channels, 3×3, 2 layers; batch {batch} patches; {side}×{side} image through padded patches)");
        w.WriteLine();
        var y = new double[n * batch];
        new CounterRng(3).FillUniform(y);
        var psi = new double[batch];
        var x = new double[y.Length];
        var g = new double[network.ParameterCount];
        double forward = Timing.Best(() => network.Potential(y, psi), 10);
        double prox = Timing.Best(() => network.Prox(y, x), 10);
        double hvp = Timing.Best(() => network.HessianVectorProduct(y, y, x), 10);
        double gradient = Timing.Best(() => network.ParameterGradient(y, y, g), 10);
        var patched = new PatchedProximalNetwork(network, side, side);
        var image = new double[side * side];
        new CounterRng(4).FillUniform(image);
        var denoised = new double[image.Length];
        double whole = Timing.Best(() => patched.Prox(image, denoised), 5);
        var table = new ReportTable("operation", "ms", "× forward", "patches/s");
        table.Add("forward ψ (baseline)", forward * 1e3, 1.0, batch / forward);
        table.Add("prox f = ∇ψ", prox * 1e3, prox / forward, batch / prox);
        table.Add("Hessian-vector product", hvp * 1e3, hvp / forward, batch / hvp);
        table.Add("training gradient ∂⟨r, f⟩/∂θ", gradient * 1e3, gradient / forward, batch / gradient);
        table.Add($"image prox, {patched.PatchesPerImage} padded patches", whole * 1e3, whole / forward * batch / patched.PatchesPerImage, patched.PatchesPerImage / whole);
        table.Write(w);
        w.WriteLine("The image row's \"× forward\" is per patch, against the forward pass per patch.");
        w.WriteLine();
    }
}
