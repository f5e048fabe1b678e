namespace Numerics.Proximal;

/// <summary>
/// Where each parameter block of a dense learned proximal network sits in its flat parameter
/// vector θ. In order: A₀ (h×n) and b₀ (h) of the input layer; for each hidden layer k = 2..K,
/// W_k (h×h, kept ≥ 0), B_k (h×n) and c_k (h); then w (h, kept ≥ 0) and a (n). Matrices are
/// column-major. The non-negative blocks W₂…W_K and w are one contiguous range per layer.
/// </summary>
internal readonly struct ProximalNetworkLayout
{
    public ProximalNetworkLayout(int n, int h, int layers)
    {
        N = n; H = h; K = layers;
        LayerStride = h * h + h * n + h;
        OutputOffset = h * n + h + (layers - 1) * LayerStride;
        Total = OutputOffset + h + n;
    }

    public int N { get; }
    public int H { get; }
    public int K { get; }
    public int LayerStride { get; }
    public int OutputOffset { get; }
    public int Total { get; }

    /// <summary>The parameter count for the given shape, as a long so oversize shapes can be refused.</summary>
    public static long Count(int n, int h, int layers)
    {
        // In 128 bits: (K − 1)(h² + hn + h) overflows a long for large shapes (h = n = 2³¹ − 1, K = 2
        // wraps to a negative count), which would then pass the size check.
        Int128 width = h, total = width * n + width + (Int128)(layers - 1) * (width * width + width * n + width) + width + n;
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }

    public int A0 => 0;
    public int B0 => H * N;

    /// <summary>Offset of W_k for k = 2..K (1-based, as in the paper's notation).</summary>
    public int W(int k) => H * N + H + (k - 2) * LayerStride;
    public int B(int k) => W(k) + H * H;
    public int C(int k) => B(k) + H * N;
    public int OutputWeights => OutputOffset;
    public int Linear => OutputOffset + H;
}
