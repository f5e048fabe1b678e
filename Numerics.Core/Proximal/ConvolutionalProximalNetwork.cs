using System.Numerics.Tensors;
using Numerics.LinearAlgebra;
using Numerics.Random;

namespace Numerics.Proximal;

/// <summary>
/// A convolutional learned proximal network for grey images of H×W pixels: an input-convex
/// potential built from stride-1, zero-padded ("same") convolutions, whose gradient is an exact prox.
/// <code>
/// z₁ = s(A₀ ⊛ y + b₀),  z_k = s(W_k ⊛ z_{k−1} + B_k ⊛ y + c_k) (k = 2..K),  ψ(y) = Σ_c w_c Σ_p z_K[c, p] + aᵀy + α‖y‖²
/// </code>
/// with s = softplus_β, C channels per layer, k×k kernels, W_k ≥ 0 and w ≥ 0 elementwise (the hidden
/// path), and A₀, B_k (one input channel), the per-channel biases b₀, c_k and the per-pixel a free.
/// </summary>
/// <remarks>
/// Convexity holds for the same reason as in the dense network: a convolution with a non-negative
/// kernel is a non-negative combination, zero padding only drops terms, and the passthrough
/// convolutions of y are affine. An image is its rows one after another (the C order of a .npy
/// file); a batch of m images is m·H·W values. The derivatives are the dense network's with each
/// matrix product replaced by a convolution, its adjoint or its kernel gradient
/// (<see cref="SameConvolution"/>). Not safe for concurrent calls; see <see cref="Clone"/>.
/// </remarks>
public sealed partial class ConvolutionalProximalNetwork : InputConvexNetwork
{
    private readonly double[] _parameters;
    private ProximalNetworkWorkspace? _workspace;

    /// <summary>
    /// A network of the given shape initialised as PyTorch initialises <c>nn.Conv2d</c>: every
    /// weight and bias uniform on [−1/√fan_in, 1/√fan_in] (fan_in = input channels·k²), the readout
    /// w and the linear term a on [−1/√C, 1/√C] and [−1/√n, 1/√n], drawn from a counter-based stream
    /// of <paramref name="seed"/>; then the hidden path is clipped at 0.
    /// </summary>
    /// <param name="architecture">The shape; null: the defaults of <see cref="ConvolutionalNetworkArchitecture"/>.</param>
    /// <param name="seed">The seed of the initialisation.</param>
    /// <exception cref="ArgumentException">The architecture is out of range.</exception>
    public ConvolutionalProximalNetwork(ConvolutionalNetworkArchitecture? architecture = null, ulong seed = 0)
    {
        architecture ??= new ConvolutionalNetworkArchitecture();
        architecture.Validate(nameof(architecture));
        Architecture = architecture;
        Layout = new ConvolutionalNetworkLayout(architecture.Pixels, architecture.Channels, architecture.KernelSize, architecture.Layers);
        _parameters = new double[Layout.Total];
        Initialise(new CounterRng(seed));
        ProjectConstraints();
    }

    /// <summary>A network of the given shape with the given parameters (checked, not projected).</summary>
    /// <param name="architecture">The shape.</param>
    /// <param name="parameters">θ in the layout of <see cref="InputConvexNetwork.Parameters"/>.</param>
    /// <exception cref="ArgumentException">The architecture is out of range, θ has the wrong length, holds NaN/∞ or a negative hidden-path weight.</exception>
    public ConvolutionalProximalNetwork(ConvolutionalNetworkArchitecture architecture, ReadOnlySpan<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate(nameof(architecture));
        Architecture = architecture;
        Layout = new ConvolutionalNetworkLayout(architecture.Pixels, architecture.Channels, architecture.KernelSize, architecture.Layers);
        _parameters = new double[Layout.Total];
        SetParameters(parameters);
    }

    /// <summary>The shape of the network.</summary>
    public ConvolutionalNetworkArchitecture Architecture { get; }

    internal ConvolutionalNetworkLayout Layout { get; }

    /// <summary>n = H·W.</summary>
    public override int InputDimension => Layout.N;

    /// <inheritdoc />
    public override double StrongConvexity => Architecture.Alpha;

    /// <summary>
    /// θ, flat: A₀ (C×1×k×k), b₀ (C); for k = 2..K: W_k (C×C×k×k), B_k (C×1×k×k), c_k (C); then w (C)
    /// and a (H·W, row by row). Kernels are [output][input][row][column]. The hidden path is W₂…W_K and w.
    /// </summary>
    internal override double[] ParameterArray => _parameters;

    /// <inheritdoc />
    public override ConvolutionalProximalNetwork Clone() => new(Architecture, _parameters);

    /// <inheritdoc />
    internal override long MaxBatch => Array.MaxLength / (2L * Layout.C * Layout.N);

    internal override IEnumerable<(int Start, int Length)> ConstrainedRanges()
    {
        int block = Layout.C * Layout.C * Layout.KernelSize * Layout.KernelSize;
        for (int k = 2; k <= Layout.K; k++) yield return (Layout.W(k), block);
        yield return (Layout.OutputWeights, Layout.C);
    }

    private void Initialise(CounterRng rng)
    {
        int c = Layout.C, taps = Layout.KernelSize * Layout.KernelSize;
        long index = 0;
        void Fill(int offset, int length, int fanIn)
        {
            double bound = 1 / Math.Sqrt(fanIn);
            for (int i = 0; i < length; i++) _parameters[offset + i] = bound * (2 * rng.Uniform(index++) - 1);
        }
        Fill(Layout.A0, c * taps, taps);
        Fill(Layout.B0, c, taps);
        for (int k = 2; k <= Layout.K; k++)
        {
            Fill(Layout.W(k), c * c * taps, c * taps);
            Fill(Layout.B(k), c * taps, taps);
            Fill(Layout.Bias(k), c, c * taps);
        }
        Fill(Layout.OutputWeights, c, c);
        Fill(Layout.Linear, Layout.N, Layout.N);
    }

    /// <inheritdoc />
    private protected override void PotentialCore(ReadOnlySpan<double> y, int m, Span<double> potential) => PotentialOf(Prepare(y, m), potential);

    /// <inheritdoc />
    private protected override void ProxCore(ReadOnlySpan<double> y, int m, Span<double> x) => Gradient(Prepare(y, m), x);

    /// <inheritdoc />
    private protected override void PotentialAndProxCore(ReadOnlySpan<double> y, int m, Span<double> potential, Span<double> x)
    {
        var ws = Prepare(y, m);
        PotentialOf(ws, potential);
        Gradient(ws, x);
    }

    /// <inheritdoc />
    private protected override void HessianVectorProductCore(ReadOnlySpan<double> y, ReadOnlySpan<double> v, int m, Span<double> result)
    {
        var ws = Prepare(y, m);
        v.CopyTo(ws.InputAndDirection.AsSpan(Layout.N * m));
        TangentForward(ws);
        TangentReverse(ws, null, result);
    }

    /// <inheritdoc />
    private protected override void ParameterGradientCore(ReadOnlySpan<double> y, ReadOnlySpan<double> r, int m, Span<double> gradient)
    {
        Prepare(y, m);
        var g = new double[ParameterCount];
        TrainingParameterGradient(r, g);
        g.CopyTo(gradient);
    }

    /// <inheritdoc />
    internal override void TrainingProx(ReadOnlySpan<double> y, Span<double> x) => Gradient(Prepare(y, y.Length / Layout.N), x);

    /// <inheritdoc />
    internal override void TrainingParameterGradient(ReadOnlySpan<double> r, double[] gradient)
    {
        var ws = _workspace!;
        r.CopyTo(ws.InputAndDirection.AsSpan(Layout.N * ws.Count));
        TangentForward(ws);
        TangentReverse(ws, gradient, default);
    }

    /// <summary>Copies y into the workspace and runs the primal pass.</summary>
    private ProximalNetworkWorkspace Prepare(ReadOnlySpan<double> y, int m)
    {
        if (_workspace is null || _workspace.Count != m)
            _workspace = new ProximalNetworkWorkspace(Layout.N, Layout.C * Layout.N, Layout.K, m);
        y.CopyTo(_workspace.InputAndDirection);
        Forward(_workspace);
        return _workspace;
    }

    /// <inheritdoc />
    private protected override string InputSizeDescription => $"the image size {Architecture.ImageHeight}×{Architecture.ImageWidth} = {Layout.N}";

    /// <inheritdoc />
    private protected override string BatchLimitDescription(long count) => $"{count} images; with {Layout.C} channels a batch is limited to {MaxBatch}.";

    /// <summary>Σ in index order (a <c>TensorPrimitives</c> reduction groups terms by address alignment, which would change bits between runs).</summary>
    internal static double Sum(ReadOnlySpan<double> values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s;
    }

    private void Convolve(int kernelOffset, double[] input, int inputOffset, double[] output, int images, int inChannels) =>
        SameConvolution.Forward(_parameters, kernelOffset, input, inputOffset, output, 0, images, inChannels, Layout.C,
            Architecture.ImageHeight, Architecture.ImageWidth, Layout.KernelSize);

    private void ConvolveAdjoint(int kernelOffset, double[] outBar, double[] inBar, int inBarOffset, int images, int inChannels) =>
        SameConvolution.Adjoint(_parameters, kernelOffset, outBar, 0, inBar, inBarOffset, images, inChannels, Layout.C,
            Architecture.ImageHeight, Architecture.ImageWidth, Layout.KernelSize);

    /// <summary>The primal pass on the first n·m inputs of the workspace: z_k, s′(u_k), s″(u_k) per layer.</summary>
    private void Forward(ProximalNetworkWorkspace ws)
    {
        int n = Layout.N, c = Layout.C, m = ws.Count, plane = c * n;
        double[] pre = ws.Adjoint, y = ws.InputAndDirection;
        double beta = Architecture.Beta;
        for (int k = 1; k <= Layout.K; k++)
        {
            int bias = Layout.Bias(k);
            for (int j = 0; j < m; j++)
                for (int ch = 0; ch < c; ch++) pre.AsSpan(j * plane + ch * n, n).Fill(_parameters[bias + ch]);
            Convolve(Layout.Input(k), y, 0, pre, m, 1);
            if (k >= 2) Convolve(Layout.W(k), ws.Activations[k - 2], 0, pre, m, c);
            double[] z = ws.Activations[k - 1], s = ws.Slopes[k - 1], curvature = ws.Curvatures[k - 1];
            BatchBlocks.For(plane * m, (start, end) =>
                Softplus.Evaluate(pre.AsSpan(start, end - start), beta, z.AsSpan(start, end - start), s.AsSpan(start, end - start), curvature.AsSpan(start, end - start)));
        }
    }

    /// <summary>ψ_j = Σ_c w_c Σ_p z_K[c, p] + aᵀy_j + α‖y_j‖², after <see cref="Forward"/>; sums in a fixed order.</summary>
    private void PotentialOf(ProximalNetworkWorkspace ws, Span<double> potential)
    {
        int n = Layout.N, c = Layout.C;
        double alpha = Architecture.Alpha;
        var zK = ws.Activations[Layout.K - 1];
        var y = ws.InputAndDirection;
        for (int j = 0; j < potential.Length; j++)
        {
            double s = 0;
            for (int ch = 0; ch < c; ch++)
                s += _parameters[Layout.OutputWeights + ch] * Sum(zK.AsSpan((j * c + ch) * n, n));
            for (int l = 0; l < n; l++) s += (_parameters[Layout.Linear + l] + alpha * y[j * n + l]) * y[j * n + l];
            potential[j] = s;
        }
    }

    /// <summary>
    /// x = ∇ψ(y) after <see cref="Forward"/>: δ_K = w ⊙ s′(u_K), δ_{k−1} = s′(u_{k−1}) ⊙ W_kᵀ ⊛ δ_k,
    /// x = A₀ᵀ ⊛ δ₁ + Σ_k B_kᵀ ⊛ δ_k + a + 2αy.
    /// </summary>
    private void Gradient(ProximalNetworkWorkspace ws, Span<double> x)
    {
        int n = Layout.N, c = Layout.C, m = ws.Count, plane = c * n;
        double alpha = Architecture.Alpha;
        double[] delta = ws.Adjoint, back = ws.Scratch, y = ws.InputAndDirection;
        var sK = ws.Slopes[Layout.K - 1];
        for (int j = 0; j < m; j++)
            for (int ch = 0; ch < c; ch++)
                TensorPrimitives.Multiply(sK.AsSpan(j * plane + ch * n, n), _parameters[Layout.OutputWeights + ch], delta.AsSpan(j * plane + ch * n, n));
        // The input adjoints accumulate into a scratch image batch (x may alias the caller's y).
        var result = new double[n * m];
        for (int j = 0; j < m; j++)
            for (int l = 0; l < n; l++) result[j * n + l] = _parameters[Layout.Linear + l] + 2 * alpha * y[j * n + l];
        for (int k = Layout.K; k >= 1; k--)
        {
            ConvolveAdjoint(Layout.Input(k), delta, result, 0, m, 1);
            if (k == 1) break;
            Array.Clear(back, 0, plane * m);
            ConvolveAdjoint(Layout.W(k), delta, back, 0, m, c);
            var s = ws.Slopes[k - 2];
            BatchBlocks.For(plane * m, (start, end) =>
                TensorPrimitives.Multiply(s.AsSpan(start, end - start), back.AsSpan(start, end - start), delta.AsSpan(start, end - start)));
        }
        result.CopyTo(x);
    }
}
