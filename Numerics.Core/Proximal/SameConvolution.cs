using System.Numerics.Tensors;

namespace Numerics.Proximal;

/// <summary>
/// Stride-1 2-D cross-correlation with zero "same" padding over a batch of multi-channel images,
/// its adjoint (the backward-data pass) and its kernel gradient: the three products a
/// convolutional input-convex network needs, each used for the primal and the tangent passes.
/// </summary>
/// <remarks>
/// An image of c channels is c planes of H·W pixels, row by row; a batch is one image after
/// another. A kernel block is [output][input][row][column] with k×k taps, k odd, centred:
/// out[o, i, j] = Σ_c Σ_{a,b} K[o, c, a, b]·in[c, i + a − k/2, j + b − k/2], pixels outside the
/// image read as 0. Each output element is accumulated by one thread in a fixed order (the forward
/// and adjoint split the batch by image; the kernel gradient splits by (output, input) channel
/// pair and sums over images in order), so the bits do not depend on the thread count. Sums are
/// plain loops, not <c>TensorPrimitives</c> reductions, whose grouping follows the address alignment.
/// </remarks>
internal static class SameConvolution
{
    /// <summary>out += K ⊛ in for each image.</summary>
    public static void Forward(double[] kernel, int kernelOffset, double[] input, int inputOffset, double[] output, int outputOffset,
        int images, int inChannels, int outChannels, int height, int width, int size)
    {
        int n = height * width, inStride = inChannels * n, outStride = outChannels * n;
        ForEach(images, img => ForwardImage(
            kernel.AsSpan(kernelOffset, outChannels * inChannels * size * size),
            input.AsSpan(inputOffset + img * inStride, inStride),
            output.AsSpan(outputOffset + img * outStride, outStride),
            inChannels, outChannels, height, width, size));
    }

    /// <summary>inBar += Kᵀ ⊛ outBar for each image: the adjoint of <see cref="Forward"/> in its input.</summary>
    public static void Adjoint(double[] kernel, int kernelOffset, double[] outBar, int outBarOffset, double[] inBar, int inBarOffset,
        int images, int inChannels, int outChannels, int height, int width, int size)
    {
        int n = height * width, inStride = inChannels * n, outStride = outChannels * n;
        ForEach(images, img => AdjointImage(
            kernel.AsSpan(kernelOffset, outChannels * inChannels * size * size),
            outBar.AsSpan(outBarOffset + img * outStride, outStride),
            inBar.AsSpan(inBarOffset + img * inStride, inStride),
            inChannels, outChannels, height, width, size));
    }

    /// <summary>
    /// kernelBar = Σ_images ∂⟨outBar, K ⊛ in⟩/∂K, written (not accumulated) into
    /// kernelBar[kernelBarOffset ..]: the adjoint of <see cref="Forward"/> in its kernel.
    /// </summary>
    public static void KernelGradient(double[] outBar, int outBarOffset, double[] input, int inputOffset, double[] kernelBar, int kernelBarOffset,
        int images, int inChannels, int outChannels, int height, int width, int size)
    {
        int n = height * width, inStride = inChannels * n, outStride = outChannels * n, taps = size * size, r = size / 2;
        ForEach(outChannels * inChannels, pair =>
        {
            int o = pair / inChannels, c = pair % inChannels;
            Span<double> sums = stackalloc double[taps];
            sums.Clear();
            for (int img = 0; img < images; img++)
            {
                var g = outBar.AsSpan(outBarOffset + img * outStride + o * n, n);
                var x = input.AsSpan(inputOffset + img * inStride + c * n, n);
                for (int a = 0; a < size; a++)
                {
                    int iLow = Math.Max(0, r - a), iHigh = Math.Min(height, height + r - a);
                    for (int b = 0; b < size; b++)
                    {
                        int jLow = Math.Max(0, r - b), jHigh = Math.Min(width, width + r - b), length = jHigh - jLow;
                        if (length <= 0) continue;
                        double s = 0;
                        for (int i = iLow; i < iHigh; i++)
                        {
                            int gi = i * width + jLow, xi = (i + a - r) * width + jLow + b - r;
                            for (int l = 0; l < length; l++) s += g[gi + l] * x[xi + l];
                        }
                        sums[a * size + b] += s;
                    }
                }
            }
            sums.CopyTo(kernelBar.AsSpan(kernelBarOffset + pair * taps, taps));
        });
    }

    private static void ForwardImage(ReadOnlySpan<double> kernel, ReadOnlySpan<double> x, Span<double> y,
        int inChannels, int outChannels, int height, int width, int size)
    {
        int n = height * width, r = size / 2;
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < inChannels; c++)
                for (int a = 0; a < size; a++)
                {
                    int iLow = Math.Max(0, r - a), iHigh = Math.Min(height, height + r - a);
                    for (int b = 0; b < size; b++)
                    {
                        double k = kernel[((o * inChannels + c) * size + a) * size + b];
                        // Clipped hidden-path weights are exactly 0; skipping them changes no bit.
                        if (k == 0) continue;
                        int jLow = Math.Max(0, r - b), jHigh = Math.Min(width, width + r - b), length = jHigh - jLow;
                        if (length <= 0) continue;
                        for (int i = iLow; i < iHigh; i++)
                        {
                            var dst = y.Slice(o * n + i * width + jLow, length);
                            TensorPrimitives.MultiplyAdd(x.Slice(c * n + (i + a - r) * width + jLow + b - r, length), k, dst, dst);
                        }
                    }
                }
    }

    private static void AdjointImage(ReadOnlySpan<double> kernel, ReadOnlySpan<double> yBar, Span<double> xBar,
        int inChannels, int outChannels, int height, int width, int size)
    {
        int n = height * width, r = size / 2;
        for (int c = 0; c < inChannels; c++)
            for (int o = 0; o < outChannels; o++)
                for (int a = 0; a < size; a++)
                {
                    // xBar[c, i', j'] += K[o, c, a, b]·yBar[o, i' − a + r, j' − b + r].
                    int iLow = Math.Max(0, a - r), iHigh = Math.Min(height, height + a - r);
                    for (int b = 0; b < size; b++)
                    {
                        double k = kernel[((o * inChannels + c) * size + a) * size + b];
                        if (k == 0) continue;
                        int jLow = Math.Max(0, b - r), jHigh = Math.Min(width, width + b - r), length = jHigh - jLow;
                        if (length <= 0) continue;
                        for (int i = iLow; i < iHigh; i++)
                        {
                            var dst = xBar.Slice(c * n + i * width + jLow, length);
                            TensorPrimitives.MultiplyAdd(yBar.Slice(o * n + (i - a + r) * width + jLow - b + r, length), k, dst, dst);
                        }
                    }
                }
    }

    /// <summary>Runs body(0..count−1), in parallel when there is more than one item; each item owns its outputs.</summary>
    private static void ForEach(int count, Action<int> body)
    {
        if (count == 1) body(0);
        else Parallel.For(0, count, body);
    }
}
