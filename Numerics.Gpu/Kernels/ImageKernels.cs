using ILGPU;
using ILGPU.Runtime;
using Numerics.Bilevel;

namespace Numerics.Gpu.Kernels;

/// <summary>The sizes of an image stack and of its "valid" responses to a k×k filter, as kernels read them.</summary>
internal struct ImageGeometry
{
    /// <summary>H, W, H·W and N·H·W of the stack.</summary>
    public int Height, Width, ImagePixels, Pixels;
    /// <summary>k, and the response stack's H − k + 1, W − k + 1, their product and N·(H − k + 1).</summary>
    public int FilterSize, ResponseHeight, ResponseWidth, ResponsePixels, ResponseRows;

    /// <summary>The geometry of <paramref name="shape"/> with k×k filters (k = 1 where no filter is involved).</summary>
    public static ImageGeometry Of(ImageShape shape, int filterSize)
    {
        int rh = shape.Height - filterSize + 1, rw = shape.Width - filterSize + 1;
        return new ImageGeometry
        {
            Height = shape.Height, Width = shape.Width, ImagePixels = shape.ImagePixels, Pixels = shape.Pixels,
            FilterSize = filterSize, ResponseHeight = rh, ResponseWidth = rw, ResponsePixels = rh * rw, ResponseRows = shape.Count * rh,
        };
    }
}

/// <summary>
/// The image operators of the denoising problems (see <see cref="IImageOperators{TVector}"/>), one
/// thread per output element. Each output is formed in float64 from T's values by the same sequence
/// of operations, in the same order, as <see cref="HostImageOperators"/>, so that with T = double the
/// CPU simulator reproduces the host's bits; every output element has exactly one writer, so no
/// atomics are needed and every run gives the same bits.
/// </summary>
internal static class ImageKernels
{
    /// <summary>Pixel k: its horizontal difference (zero in the last column) and its vertical one (zero in each image's last row).</summary>
    public static void Differences<T, TOps>(Index1D index, ArrayView<T> x, ArrayView<T> d, ImageGeometry g)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int k = index, j = k % g.Width, row = k / g.Width % g.Height;
        double here = o.ToDouble(x[k]);
        d[k] = o.FromDouble(j + 1 < g.Width ? o.ToDouble(x[k + 1]) - here : 0.0);
        d[g.Pixels + k] = o.FromDouble(row + 1 < g.Height ? o.ToDouble(x[k + g.Width]) - here : 0.0);
    }

    /// <summary>
    /// Pixel k of Dᵀd: −1 times its own differences (none across the last column or row), +1 times
    /// its left and upper neighbours', added in the host's order.
    /// </summary>
    public static void DifferencesAdjoint<T, TOps>(Index1D index, ArrayView<T> d, ArrayView<T> result, ImageGeometry g)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int k = index, j = k % g.Width, row = k / g.Width % g.Height;
        double v = 0;
        if (j + 1 < g.Width) v -= o.ToDouble(d[k]);
        if (j > 0) v += o.ToDouble(d[k - 1]);
        if (row + 1 < g.Height) v -= o.ToDouble(d[g.Pixels + k]);
        if (row > 0) v += o.ToDouble(d[g.Pixels + k - g.Width]);
        result[k] = o.FromDouble(v);
    }

    /// <summary>Response (n, i, j) = Σ_{a,b} filter[a, b]·x[n, i + a, j + b], a then b ascending.</summary>
    public static void Correlate<T, TOps>(Index1D index, ArrayView<T> x, ArrayView<double> filter, ArrayView<T> result, ImageGeometry g)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int t = index, n = t / g.ResponsePixels, rest = t - n * g.ResponsePixels;
        int i = rest / g.ResponseWidth, j = rest - i * g.ResponseWidth, k = g.FilterSize;
        int source = n * g.ImagePixels;
        double s = 0;
        for (int a = 0; a < k; a++)
        {
            int row = source + (i + a) * g.Width + j;
            for (int b = 0; b < k; b++) s += filter[a * k + b] * o.ToDouble(x[row + b]);
        }
        result[t] = o.FromDouble(s);
    }

    /// <summary>
    /// Pixel (n, i, j) of Kᵀr in gather form: Σ filter[a, b]·r[n, i − a, j − b] over the responses that
    /// cover the pixel, a then b ascending (the host's order).
    /// </summary>
    public static void CorrelateAdjoint<T, TOps>(Index1D index, ArrayView<T> responses, ArrayView<double> filter, ArrayView<T> result, ImageGeometry g)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int p = index, n = p / g.ImagePixels, rest = p - n * g.ImagePixels;
        int i = rest / g.Width, j = rest - i * g.Width, k = g.FilterSize, oh = g.ResponseHeight, ow = g.ResponseWidth;
        int source = n * g.ResponsePixels;
        int aLo = i - oh + 1 > 0 ? i - oh + 1 : 0, aHi = k - 1 < i ? k - 1 : i;
        int bLo = j - ow + 1 > 0 ? j - ow + 1 : 0, bHi = k - 1 < j ? k - 1 : j;
        double s = 0;
        for (int a = aLo; a <= aHi; a++)
        {
            int row = source + (i - a) * ow + j;
            for (int b = bLo; b <= bHi; b++) s += filter[a * k + b] * o.ToDouble(responses[row - b]);
        }
        result[p] = o.FromDouble(s);
    }

    /// <summary>
    /// The first stage of the filter gradient: for tap (a, b) and response row (n, i), the partial
    /// Σ_j w[n, i, j]·x[n, i + a, j + b] in j order, stored at tap·rows + row.
    /// </summary>
    public static void FilterGradientRows<T, TOps>(Index1D index, ArrayView<T> x, ArrayView<T> weights, ArrayView<double> partials, ImageGeometry g)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int t = index, tap = t / g.ResponseRows, row = t - tap * g.ResponseRows;
        int a = tap / g.FilterSize, b = tap - a * g.FilterSize, n = row / g.ResponseHeight, i = row - n * g.ResponseHeight;
        int source = n * g.ImagePixels + (i + a) * g.Width + b, weight = row * g.ResponseWidth;
        double s = 0;
        for (int j = 0; j < g.ResponseWidth; j++) s += o.ToDouble(weights[weight + j]) * o.ToDouble(x[source + j]);
        partials[t] = s;
    }

    /// <summary>The second stage: tap (a, b) of the gradient is the sum of its row partials in row order.</summary>
    public static void FilterGradientTaps(Index1D index, ArrayView<double> partials, ArrayView<double> gradient, int rows)
    {
        int tap = index;
        long start = (long)tap * rows;
        double s = 0;
        for (int r = 0; r < rows; r++) s += partials[start + r];
        gradient[tap] = s;
    }
}

/// <summary>The image kernels of one element type, typed in T only (see <see cref="DenseKernels{T}"/>).</summary>
internal abstract class ImageKernels<T> where T : unmanaged
{
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ImageGeometry> Differences { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ImageGeometry> DifferencesAdjoint { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<double>, ArrayView<T>, ImageGeometry> Correlate { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<double>, ArrayView<T>, ImageGeometry> CorrelateAdjoint { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<double>, ImageGeometry> FilterGradientRows { get; protected init; } = null!;
    public Action<Index1D, ArrayView<double>, ArrayView<double>, int> FilterGradientTaps { get; protected init; } = null!;
}

/// <summary>The image kernels compiled for one element type on one accelerator.</summary>
internal sealed class ImageKernelSet<T, TOps> : ImageKernels<T> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public ImageKernelSet(Accelerator accelerator)
    {
        Differences = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ImageGeometry>(ImageKernels.Differences<T, TOps>);
        DifferencesAdjoint = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ImageGeometry>(ImageKernels.DifferencesAdjoint<T, TOps>);
        Correlate = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<double>, ArrayView<T>, ImageGeometry>(ImageKernels.Correlate<T, TOps>);
        CorrelateAdjoint = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<double>, ArrayView<T>, ImageGeometry>(ImageKernels.CorrelateAdjoint<T, TOps>);
        FilterGradientRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<double>, ImageGeometry>(ImageKernels.FilterGradientRows<T, TOps>);
        FilterGradientTaps = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(ImageKernels.FilterGradientTaps);
    }
}
