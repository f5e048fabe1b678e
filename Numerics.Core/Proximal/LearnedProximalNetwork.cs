using Numerics.LinearAlgebra;
using Numerics.Random;

namespace Numerics.Proximal;

/// <summary>
/// A learned proximal network (Fang–Buchanan–Sulam 2024): a dense input-convex network
/// ψ_θ: ℝⁿ → ℝ whose gradient f_θ = ∇ψ_θ is, for every θ, the exact proximal operator of some
/// regulariser R_θ: f_θ(y) = argmin_x ½‖y − x‖² + R_θ(x).
/// <code>
/// z₁ = s(A₀y + b₀),  z_k = s(W_k z_{k−1} + B_k y + c_k) (k = 2..K),  ψ(y) = wᵀz_K + aᵀy + α‖y‖²
/// </code>
/// with s = softplus_β, W_k ≥ 0 and w ≥ 0 elementwise (the hidden path), and A₀, b₀, B_k, c_k, a free
/// (the input passthrough).
/// </summary>
/// <remarks>
/// ψ is convex because s is convex and non-decreasing and each layer applies it to a non-negative
/// combination of convex functions plus a term affine in y; by Gribonval–Nikolova (2020) the
/// gradient of a convex function is a prox. The passthrough weights may be negative: they enter
/// affinely, and an affine function is convex with either sign. Every method works on a batch of m
/// inputs stored column-major as an n×m array (one input per column) and uses the backend's GEMM
/// for the layers. An instance caches the activations of its last batch and is not safe for
/// concurrent calls; give each thread its own copy (<see cref="Clone"/>).
/// </remarks>
public sealed partial class LearnedProximalNetwork : InputConvexNetwork
{
    private readonly double[] _parameters;
    private ProximalNetworkWorkspace? _workspace;

    /// <summary>
    /// A network of the given shape initialised as PyTorch initialises <c>nn.Linear</c>: every
    /// weight and bias uniform on [−1/√fan_in, 1/√fan_in], drawn from a counter-based stream of
    /// <paramref name="seed"/>; then the hidden-path weights are clipped at 0, as the official 1-D
    /// code does.
    /// </summary>
    /// <param name="architecture">The shape; null: the defaults of <see cref="ProximalNetworkArchitecture"/>.</param>
    /// <param name="seed">The seed of the initialisation.</param>
    /// <exception cref="ArgumentException">The architecture is out of range.</exception>
    public LearnedProximalNetwork(ProximalNetworkArchitecture? architecture = null, ulong seed = 0)
    {
        architecture ??= new ProximalNetworkArchitecture();
        architecture.Validate(nameof(architecture));
        Architecture = architecture;
        Layout = new ProximalNetworkLayout(architecture.InputDimension, architecture.Width, architecture.Layers);
        _parameters = new double[Layout.Total];
        Initialise(new CounterRng(seed));
        ProjectConstraints();
    }

    /// <summary>A network of the given shape with the given parameters (checked, not projected).</summary>
    /// <param name="architecture">The shape.</param>
    /// <param name="parameters">θ in the layout of <see cref="InputConvexNetwork.Parameters"/>.</param>
    /// <exception cref="ArgumentException">The architecture is out of range, θ has the wrong length, holds NaN/∞ or a negative hidden-path weight.</exception>
    public LearnedProximalNetwork(ProximalNetworkArchitecture architecture, ReadOnlySpan<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate(nameof(architecture));
        Architecture = architecture;
        Layout = new ProximalNetworkLayout(architecture.InputDimension, architecture.Width, architecture.Layers);
        _parameters = new double[Layout.Total];
        SetParameters(parameters);
    }

    /// <summary>The shape of the network.</summary>
    public ProximalNetworkArchitecture Architecture { get; }

    internal ProximalNetworkLayout Layout { get; }

    /// <inheritdoc />
    public override int InputDimension => Layout.N;

    /// <inheritdoc />
    public override double StrongConvexity => Architecture.Alpha;

    /// <summary>
    /// θ, flat: A₀ (h×n), b₀ (h); for k = 2..K: W_k (h×h), B_k (h×n), c_k (h); then w (h) and a (n).
    /// Matrices are column-major. The hidden path is W₂…W_K and w.
    /// </summary>
    internal override double[] ParameterArray => _parameters;

    /// <inheritdoc />
    public override LearnedProximalNetwork Clone() => new(Architecture, _parameters);

    /// <inheritdoc />
    internal override long MaxBatch => Array.MaxLength / (2L * Math.Max(Layout.H, Layout.N));

    /// <inheritdoc />
    internal override void TrainingProx(ReadOnlySpan<double> y, Span<double> x)
    {
        var ws = Workspace(y.Length / Layout.N);
        y.CopyTo(ws.InputAndDirection);
        ForwardAndGradient(ws);
        ws.Output.AsSpan(0, y.Length).CopyTo(x);
    }

    /// <inheritdoc />
    internal override void TrainingParameterGradient(ReadOnlySpan<double> r, double[] gradient)
    {
        var ws = _workspace!;
        r.CopyTo(ws.InputAndDirection.AsSpan(Layout.N * ws.Count));
        ParameterGradient(ws, gradient, forward: false);
    }

    /// <summary>The (offset, length) ranges of θ that must stay non-negative.</summary>
    internal override IEnumerable<(int Start, int Length)> ConstrainedRanges()
    {
        for (int k = 2; k <= Layout.K; k++) yield return (Layout.W(k), Layout.H * Layout.H);
        yield return (Layout.OutputWeights, Layout.H);
    }

    private void Initialise(CounterRng rng)
    {
        int n = Layout.N, h = Layout.H;
        long index = 0;
        void Fill(int offset, int length, int fanIn)
        {
            double bound = 1 / Math.Sqrt(fanIn);
            for (int i = 0; i < length; i++) _parameters[offset + i] = bound * (2 * rng.Uniform(index++) - 1);
        }
        Fill(Layout.A0, h * n, n);
        Fill(Layout.B0, h, n);
        for (int k = 2; k <= Layout.K; k++)
        {
            Fill(Layout.W(k), h * h, h);
            Fill(Layout.B(k), h * n, n);
            Fill(Layout.C(k), h, n);
        }
        Fill(Layout.OutputWeights, h, h);
        Fill(Layout.Linear, n, n);
    }

    private ProximalNetworkWorkspace Workspace(int count)
    {
        if (_workspace is null || _workspace.Count != count)
            _workspace = new ProximalNetworkWorkspace(Layout.N, Layout.H, Layout.K, count);
        return _workspace;
    }

    /// <inheritdoc />
    private protected override string InputSizeDescription => $"the input dimension {Layout.N}";

    /// <inheritdoc />
    private protected override string BatchLimitDescription(long count) =>
        $"{count} points; at width {Layout.H} and dimension {Layout.N} a batch is limited to {MaxBatch}.";
}
