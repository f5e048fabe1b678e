namespace Numerics.Proximal;

/// <summary>
/// The paper's 1-D experiment: x ~ Laplace(0, 1), y = x + N(0, 1). The MAP denoiser is the soft
/// threshold at λ = σ²/b = 1, the prox of |x|; proximal matching should learn it, so that f_θ
/// approaches soft(y, 1) and R_θ(x) − R_θ(0) approaches |x|.
/// </summary>
public static class LaplaceDenoisingExample
{
    /// <summary>b = 1 of the clean distribution and σ = 1 of the noise: the threshold is σ²/b = 1.</summary>
    public const double Threshold = 1;

    /// <summary>
    /// The official notebook's schedule, 48,000 steps at batch 2000: ℓ1 for 10k steps at 1e-3 and
    /// 10k at 1e-4, then proximal matching with γ = 0.5 (2k at 1e-3, 2k at 1e-4), 0.4 (4k at 1e-4),
    /// 0.3 (4k at 1e-4), 0.2 (4k at 1e-5) and 0.1 (4k at 1e-5, 4k at 1e-6).
    /// </summary>
    public static IReadOnlyList<TrainingStage> NotebookSchedule { get; } =
    [
        new(ProximalLoss.AbsoluteError, 10_000, 1e-3),
        new(ProximalLoss.AbsoluteError, 10_000, 1e-4),
        new(ProximalLoss.ProximalMatching, 2_000, 1e-3, 0.5),
        new(ProximalLoss.ProximalMatching, 2_000, 1e-4, 0.5),
        new(ProximalLoss.ProximalMatching, 4_000, 1e-4, 0.4),
        new(ProximalLoss.ProximalMatching, 4_000, 1e-4, 0.3),
        new(ProximalLoss.ProximalMatching, 4_000, 1e-5, 0.2),
        new(ProximalLoss.ProximalMatching, 4_000, 1e-5, 0.1),
        new(ProximalLoss.ProximalMatching, 4_000, 1e-6, 0.1),
    ];

    /// <summary>
    /// The default schedule, sized for CI: 4,800 steps at batch 2000 on <see cref="DefaultArchitecture"/>
    /// (width 32, four layers): ℓ1 for 1k steps at 3e-3, then proximal matching with γ = 0.5 (800 at
    /// 1e-3), 0.4 (800 at 3e-4), 0.3 (800 at 1e-4), 0.2 (800 at 3e-5, then 600 at 1e-5).
    /// </summary>
    /// <remarks>
    /// About a seventh of the work of the previous default (11,000 steps on the 50-wide, five-layer
    /// model), and it meets the notes' tolerances with more margin on R: from seed 0, max |f − soft|
    /// on [−4, 4] = 0.214 and max |R(x) − R(0) − |x|| on [−3, 3] = 0.134 (previous default: 0.224
    /// and 0.144). The γ = 0.2 tail at 1e-5 matters most for R, which integrates the errors of f⁻¹:
    /// the same schedule at batch 1000 reached 0.148, ending at 3e-5 instead reached 0.16–0.21, and
    /// γ = 0.1 at the end made R worse (0.212), its gradient being too noisy at this batch.
    /// </remarks>
    public static IReadOnlyList<TrainingStage> DefaultSchedule { get; } =
    [
        new(ProximalLoss.AbsoluteError, 1_000, 3e-3),
        new(ProximalLoss.ProximalMatching, 800, 1e-3, 0.5),
        new(ProximalLoss.ProximalMatching, 800, 3e-4, 0.4),
        new(ProximalLoss.ProximalMatching, 800, 1e-4, 0.3),
        new(ProximalLoss.ProximalMatching, 800, 3e-5, 0.2),
        new(ProximalLoss.ProximalMatching, 600, 1e-5, 0.2),
    ];

    /// <summary>The official 1-D model: width 50, five layers, β = 10, α = 0 (the defaults of <see cref="ProximalNetworkArchitecture"/>).</summary>
    public static ProximalNetworkArchitecture NotebookArchitecture { get; } = new();

    /// <summary>The notebook's batch.</summary>
    public const int NotebookBatchSize = 2000;

    /// <summary>The model of <see cref="DefaultSchedule"/>: width 32, four layers, β = 10, α = 0 (3,361 parameters; the notebook's has 10,551).</summary>
    public static ProximalNetworkArchitecture DefaultArchitecture { get; } = new() { Width = 32, Layers = 4 };

    /// <summary>The batch of <see cref="DefaultSchedule"/>.</summary>
    public const int DefaultBatchSize = 2000;

    /// <summary>Training options for the example: σ = 1, the given schedule, seed and batch.</summary>
    /// <param name="schedule">The stages; null: <see cref="DefaultSchedule"/>.</param>
    /// <param name="seed">The seed of the data and noise.</param>
    /// <param name="batchSize">Samples per step; null: <see cref="DefaultBatchSize"/> for the default schedule, <see cref="NotebookBatchSize"/> for any other.</param>
    public static ProximalTrainingOptions Options(IReadOnlyList<TrainingStage>? schedule = null, ulong seed = 0, int? batchSize = null) =>
        new()
        {
            Stages = schedule ?? DefaultSchedule,
            BatchSize = batchSize ?? (schedule is null || ReferenceEquals(schedule, DefaultSchedule) ? DefaultBatchSize : NotebookBatchSize),
            NoiseLevel = 1,
            Seed = seed,
        };

    /// <summary>
    /// The schedule with every stage's length scaled by total/Σ steps (rounded down, at least one step
    /// per stage, the remainder of the rounding added to the first stage): exactly
    /// <paramref name="totalSteps"/> steps when that is at least the number of stages.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">totalSteps &lt; 1.</exception>
    public static IReadOnlyList<TrainingStage> Rescale(IReadOnlyList<TrainingStage> schedule, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        double factor = (double)totalSteps / Math.Max(1, schedule.Sum(s => (long)s.Steps));
        var scaled = schedule.Select(s => s with { Steps = Math.Max(1, (int)(s.Steps * factor)) }).ToArray();
        long remainder = totalSteps - scaled.Sum(s => (long)s.Steps);
        if (remainder > 0 && scaled.Length > 0) scaled[0] = scaled[0] with { Steps = scaled[0].Steps + (int)remainder };
        // The floor of one step per stage can overshoot (stages of 1, 1 and 1000 steps scaled to 3
        // give 1, 1, 2): take the excess from the longest stages, never below one step.
        while (remainder < 0)
        {
            int longest = 0;
            for (int i = 1; i < scaled.Length; i++)
                if (scaled[i].Steps > scaled[longest].Steps) longest = i;
            if (scaled[longest].Steps <= 1) break;
            scaled[longest] = scaled[longest] with { Steps = scaled[longest].Steps - 1 };
            remainder++;
        }
        return scaled;
    }

    /// <summary>soft(y, λ) = sign(y)·max(|y| − λ, 0), the prox of λ|x|.</summary>
    public static double SoftThreshold(double y, double lambda) => Math.Sign(y) * Math.Max(Math.Abs(y) - lambda, 0);

    /// <summary>max over <paramref name="points"/> of |f(y) − soft(y, 1)| for a scalar network.</summary>
    /// <exception cref="ArgumentException">The network is not scalar, or the points are empty or not finite.</exception>
    public static double MaxDistanceToSoftThreshold(InputConvexNetwork network, ReadOnlySpan<double> points)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.InputDimension != 1) throw new ArgumentException("The example's network maps scalars.", nameof(network));
        var f = new double[points.Length];
        network.Prox(points, f);
        double worst = 0;
        for (int i = 0; i < f.Length; i++) worst = Math.Max(worst, Math.Abs(f[i] - SoftThreshold(points[i], Threshold)));
        return worst;
    }

    /// <summary><paramref name="count"/> ≥ 2 equally spaced points from <paramref name="low"/> to <paramref name="high"/>.</summary>
    public static double[] Grid(double low, double high, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var grid = new double[count];
        for (int i = 0; i < count; i++) grid[i] = low + (high - low) * i / (count - 1);
        return grid;
    }
}
