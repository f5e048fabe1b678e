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
            w.WriteLine($"Anchor: PyTorch 1.13 on 2 cores, {PyTorchMillisecondsPerStep} ms per training step at batch 2000; this run: {PyTorchMillisecondsPerStep / (step * 1e3):F2}× that speed.");
        w.WriteLine();
    }
}
