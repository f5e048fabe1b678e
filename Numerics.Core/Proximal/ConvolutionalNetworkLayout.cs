namespace Numerics.Proximal;

/// <summary>
/// Where each parameter block of a convolutional learned proximal network sits in θ. In order:
/// A₀ (C×1×k×k) and b₀ (C) of the input layer; for each hidden layer k = 2..K, W_k (C×C×k×k, kept
/// ≥ 0), B_k (C×1×k×k) and c_k (C); then w (C, kept ≥ 0) and a (n). A kernel block is indexed
/// [output channel][input channel][row][column], PyTorch's <c>Conv2d</c> weight order.
/// </summary>
internal readonly struct ConvolutionalNetworkLayout
{
    public ConvolutionalNetworkLayout(int n, int channels, int kernel, int layers)
    {
        N = n; C = channels; KernelSize = kernel; K = layers;
        int taps = kernel * kernel;
        LayerStride = channels * channels * taps + channels * taps + channels;
        OutputOffset = channels * taps + channels + (layers - 1) * LayerStride;
        Total = OutputOffset + channels + n;
    }

    public int N { get; }
    public int C { get; }
    public int KernelSize { get; }
    public int K { get; }
    public int LayerStride { get; }
    public int OutputOffset { get; }
    public int Total { get; }

    /// <summary>The parameter count for the given shape, as a long so oversize shapes can be refused.</summary>
    public static long Count(long n, int channels, int kernel, int layers)
    {
        // In 128 bits: C·C overflows an int from C = 46341 on and C²·k² a long for large k, and a
        // wrapped count would let an impossible shape (one read from a file) pass the size check.
        Int128 c = channels, taps = (Int128)kernel * kernel;
        Int128 total = c * taps + c + (layers - 1) * (c * c * taps + c * taps + c) + c + n;
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }

    public int A0 => 0;
    public int B0 => C * KernelSize * KernelSize;

    /// <summary>Offset of W_k for k = 2..K (1-based, as in the paper's notation).</summary>
    public int W(int k) => B0 + C + (k - 2) * LayerStride;
    public int B(int k) => W(k) + C * C * KernelSize * KernelSize;
    public int Bias(int k) => k == 1 ? B0 : B(k) + C * KernelSize * KernelSize;
    public int Input(int k) => k == 1 ? A0 : B(k);
    public int OutputWeights => OutputOffset;
    public int Linear => OutputOffset + C;
}
