using BenchmarkDotNet.Attributes;
using Numerics.Proximal;
using Numerics.Random;

namespace Numerics.Bench.Suites;

/// <summary>
/// The 1-D Laplacian learned proximal network at batch 2000: the forward pass ψ (baseline) against
/// the prox, a Hessian-vector product, the training gradient and a full training step, in the same run.
/// </summary>
[BenchmarkCategory("Cpu", "Proximal")]
public class ProximalBenchmarks
{
    private const int TrainingSteps = 10;
    private LearnedProximalNetwork _network = null!;
    private double[] _y = null!, _psi = null!, _x = null!, _v = null!, _g = null!;
    private ProximalTrainingOptions _training = null!;

    /// <summary>Points per batch.</summary>
    [Params(2000)]
    public int Batch { get; set; }

    /// <summary>The default network (width 50, five layers) and a Gaussian batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _network = new LearnedProximalNetwork(null, 1);
        _y = new double[Batch];
        new CounterRng(2).FillNormal(_y);
        _psi = new double[Batch];
        _x = new double[Batch];
        _v = new double[Batch];
        _g = new double[_network.ParameterCount];
        _training = LaplaceDenoisingExample.Options([new TrainingStage(ProximalLoss.ProximalMatching, TrainingSteps, 1e-4, 0.5)]) with { BatchSize = Batch };
    }

    /// <summary>ψ(y), the plain forward pass (baseline).</summary>
    [Benchmark(Baseline = true)]
    public void Forward() => _network.Potential(_y, _psi);

    /// <summary>f(y) = ∇ψ(y).</summary>
    [Benchmark]
    public void Prox() => _network.Prox(_y, _x);

    /// <summary>∇²ψ(y)·v.</summary>
    [Benchmark]
    public void HessianVectorProduct() => _network.HessianVectorProduct(_y, _y, _v);

    /// <summary>∇_θ⟨r, f_θ(y)⟩.</summary>
    [Benchmark]
    public void TrainingGradient() => _network.ParameterGradient(_y, _y, _g);

    /// <summary>Ten training steps (sampling, prox, loss, gradient, Adam, projection).</summary>
    [Benchmark(OperationsPerInvoke = TrainingSteps)]
    public void TrainingStep() => ProximalTrainer.Train(_network.Clone(), new LaplaceSamples(), _training);
}
