using System.Diagnostics;
using Numerics.Arithmetic;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Random;

namespace Numerics.Proximal;

/// <summary>
/// Trains an <see cref="InputConvexNetwork"/> (dense, convolutional or patched) as a denoiser: each step draws clean samples x,
/// noisy inputs y = x + σ·v, evaluates x̂ = f_θ(y), and takes an Adam step on the stage's loss
/// L(x̂, x), followed by the projection of the hidden-path weights onto [0, ∞).
/// </summary>
/// <remarks>
/// The gradient of L(f_θ(y)) with respect to θ passes through f = ∇_yψ, a derivative of the network
/// (see <see cref="InputConvexNetwork.ParameterGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>).
/// Clean samples come from stream 1 and noise from stream 2 of a counter-based generator of the
/// seed, indexed by step, so a seed reproduces training bit for bit. The elementwise passes split a
/// batch into column blocks whose results do not depend on the split; when the backend's GEMM is not
/// thread-count invariant (OpenBLAS), training runs it single-threaded.
/// </remarks>
public static class ProximalTrainer
{
    /// <summary>Trains <paramref name="network"/> in place.</summary>
    /// <param name="network">The network; its parameters are updated.</param>
    /// <param name="data">The clean samples; its dimension must equal the network's input dimension.</param>
    /// <param name="options">The schedule and settings.</param>
    /// <exception cref="ArgumentException">Bad options or a dimension mismatch; the network is then unchanged.</exception>
    public static ProximalTrainingResult Train(InputConvexNetwork network, IProximalTrainingData data, ProximalTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(nameof(options));
        if (data.Dimension != network.InputDimension)
            throw new ArgumentException($"data has dimension {data.Dimension}; the network takes {network.InputDimension}.", nameof(data));
        if (options.BatchSize > network.MaxBatch)
            throw new ArgumentException($"BatchSize {options.BatchSize} is too large: the workspace would exceed an array's capacity.", nameof(options));

        var backend = LinearAlgebraBackend.Current;
        using var scope = backend.GemmIsThreadCountInvariant ? null : backend.SingleThreaded();
        return Run(network, data, options);
    }

    private static ProximalTrainingResult Run(InputConvexNetwork network, IProximalTrainingData data, ProximalTrainingOptions options)
    {
        var clock = Stopwatch.StartNew();
        int n = network.InputDimension, m = options.BatchSize, size = n * m;
        var rng = new CounterRng(options.Seed);
        CounterRng cleanStream = rng.WithStream(1), noiseStream = rng.WithStream(2);
        var adam = new Adam(network.ParameterCount, options.Adam);
        double[] y = new double[size], clean = new double[size], estimate = new double[size], r = new double[size], gradient = new double[network.ParameterCount];
        double[] theta = network.ParameterArray;
        var stageLosses = new double[options.Stages.Count];
        Array.Fill(stageLosses, double.NaN);
        int step = 0;
        for (int s = 0; s < options.Stages.Count; s++)
        {
            var stage = options.Stages[s];
            int tail = Math.Max(1, stage.Steps / 10);
            double tailSum = 0;
            for (int t = 0; t < stage.Steps; t++)
            {
                if (options.CancellationToken.IsCancellationRequested)
                    return new(SolverStatus.Cancelled, step, stageLosses, clock.Elapsed.TotalSeconds);
                data.Sample(cleanStream, step, clean);
                noiseStream.FillNormal(y, (long)step * size);
                for (int i = 0; i < size; i++) y[i] = clean[i] + options.NoiseLevel * y[i];
                network.TrainingProx(y, estimate);
                double loss = ProximalLossGradient.Evaluate(stage.Loss, stage.Gamma, estimate, clean, n, r);
                network.TrainingParameterGradient(r, gradient);
                double largest = SpanArithmetic.MaxAbs<double>(gradient);
                if (!double.IsFinite(loss) || !(largest <= Adam.MaxGradient))
                    return new(SolverStatus.Breakdown, step, stageLosses, clock.Elapsed.TotalSeconds);
                adam.Step(theta, gradient, stage.LearningRate);
                network.ProjectConstraints();
                step++;
                if (t >= stage.Steps - tail) tailSum += loss;
                options.Progress?.Report(new IterationProgress(step, loss, largest));
            }
            if (stage.Steps > 0) stageLosses[s] = tailSum / Math.Min(tail, stage.Steps);
        }
        return new(SolverStatus.MaxIterations, step, stageLosses, clock.Elapsed.TotalSeconds);
    }
}
