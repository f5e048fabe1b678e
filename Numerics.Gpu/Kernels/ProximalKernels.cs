using ILGPU;
using ILGPU.Runtime;
using Numerics.Random;

namespace Numerics.Gpu.Kernels;

/// <summary>
/// The element-wise passes of a dense learned proximal network (Core's <c>LearnedProximalNetwork</c>)
/// between its GEMMs: the softplus layer, the seeds of the reverse passes, the products with s′ and the
/// adjoint of the tangent pass, and ψ per input. Arrays are column-major h×m (one input per column),
/// θ is the network's flat parameter vector and the offsets are its layout's. Each output element has
/// one writer (no atomics), and every value is formed in float64 from T's values.
/// </summary>
internal static class ProximalKernels
{
    /// <summary>u = pre + bias[i]; z, s′(u) and s″(u) of softplus_β.</summary>
    public static void Activate<T, TOps, TFma>(Index1D index, ArrayView<T> pre, ArrayView<T> theta, int biasOffset, int h,
        ArrayView<T> value, ArrayView<T> slope, ArrayView<T> curvature, double beta, double inverseBeta)
        where T : unmanaged where TOps : struct, IScalarOps<T> where TFma : struct, IFusedMultiplyAdd
    {
        var o = default(TOps);
        int e = index, i = e % h;
        double u = o.ToDouble(pre[e]) + o.ToDouble(theta[biasOffset + i]);
        var (z, s, c) = DeviceSoftplus.Evaluate<TFma>(u, beta, inverseBeta);
        value[e] = o.FromDouble(z);
        slope[e] = o.FromDouble(s);
        curvature[e] = o.FromDouble(c);
    }

    /// <summary>δ_K = w ⊙ s′(u_K): the seed of the prox's reverse pass (w at <paramref name="wOffset"/> of θ).</summary>
    public static void OutputSeed<T, TOps>(Index1D index, ArrayView<T> slope, ArrayView<T> theta, int wOffset, int h, ArrayView<T> delta)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int e = index;
        delta[e] = o.Mul(theta[wOffset + e % h], slope[e]);
    }

    /// <summary>x = a + 2α·y, n×m: the prox's terms outside the hidden layers (a at <paramref name="aOffset"/> of θ).</summary>
    public static void LinearPart<T, TOps>(Index1D index, ArrayView<T> y, ArrayView<T> theta, int aOffset, int n, double twoAlpha, ArrayView<T> x)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int e = index;
        x[e] = o.FromDouble(o.ToDouble(theta[aOffset + e % n]) + twoAlpha * o.ToDouble(y[e]));
    }

    /// <summary>r = a ⊙ b.</summary>
    public static void Multiply<T, TOps>(Index1D index, ArrayView<T> a, ArrayView<T> b, ArrayView<T> r)
        where T : unmanaged where TOps : struct, IScalarOps<T> => r[index] = default(TOps).Mul(a[index], b[index]);

    /// <summary>
    /// The adjoints of layer k in the tangent pass's reverse: ū = s′⊙z̄ + s″⊙u̇⊙ż̄ into the first h·m
    /// entries of g and u̇̄ = s′⊙ż̄ into the next h·m, where [z̄ | ż̄] sits in <paramref name="back"/>
    /// below the top layer and is [0 | w] at the top (<paramref name="top"/> ≠ 0).
    /// </summary>
    public static void TangentAdjoint<T, TOps>(Index1D index, ArrayView<T> back, ArrayView<T> slope, ArrayView<T> curvature,
        ArrayView<T> tangent, ArrayView<T> theta, int wOffset, int h, int hm, int top, ArrayView<T> g)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int e = index;
        double zbar = top != 0 ? 0.0 : o.ToDouble(back[e]);
        double zdotbar = o.ToDouble(top != 0 ? theta[wOffset + e % h] : back[hm + e]);
        double s = o.ToDouble(slope[e]);
        g[e] = o.FromDouble(s * zbar + o.ToDouble(curvature[e]) * o.ToDouble(tangent[e]) * zdotbar);
        g[hm + e] = o.FromDouble(s * zdotbar);
    }

    /// <summary>ψ_j = wᵀz_K,j + Σ_l (a_l + α·y_lj)·y_lj, one thread per input, summed in the host's order.</summary>
    public static void Potential<T, TOps>(Index1D index, ArrayView<T> z, ArrayView<T> y, ArrayView<T> theta, int wOffset, int aOffset,
        int h, int n, double alpha, ArrayView<T> potential)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int j = index;
        long zj = (long)j * h, yj = (long)j * n;
        double s = 0;
        for (int i = 0; i < h; i++) s += o.ToDouble(theta[wOffset + i]) * o.ToDouble(z[zj + i]);
        for (int l = 0; l < n; l++)
        {
            double v = o.ToDouble(y[yj + l]);
            s += (o.ToDouble(theta[aOffset + l]) + alpha * v) * v;
        }
        potential[j] = o.FromDouble(s);
    }

    /// <summary>
    /// out[e] = Σ_c parts[c·length + e] over <paramref name="chunks"/> partial products in chunk
    /// order: the second stage of a split-K weight gradient.
    /// </summary>
    public static void SumChunks<T, TOps>(Index1D index, ArrayView<T> parts, int length, int chunks, ArrayView<T> output)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int e = index;
        double s = 0;
        for (int c = 0; c < chunks; c++) s += o.ToDouble(parts[(long)c * length + e]);
        output[e] = o.FromDouble(s);
    }
}

/// <summary>The proximal-network kernels of one element type, typed in T only (see <see cref="DenseKernels{T}"/>).</summary>
internal abstract class ProximalKernels<T> where T : unmanaged
{
    public Action<Index1D, ArrayView<T>, ArrayView<T>, int, int, ArrayView<T>, ArrayView<T>, ArrayView<T>, double, double> Activate { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, int, int, ArrayView<T>> OutputSeed { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, int, int, double, ArrayView<T>> LinearPart { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>> Multiply { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int, int, ArrayView<T>> TangentAdjoint { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int, int, double, ArrayView<T>> Potential { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, int, int, ArrayView<T>> SumChunks { get; protected init; } = null!;
}

/// <summary>
/// The proximal-network kernels compiled for one element type on one accelerator, the softplus with
/// the fused multiply-add that accelerator can issue (as <see cref="GaussianKernelSet{T, TOps}"/>).
/// </summary>
internal sealed class ProximalKernelSet<T, TOps> : ProximalKernels<T> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public ProximalKernelSet(Accelerator accelerator)
    {
        Activate = accelerator.AcceleratorType == AcceleratorType.Cuda
            ? accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, int, int, ArrayView<T>, ArrayView<T>, ArrayView<T>, double, double>(ProximalKernels.Activate<T, TOps, PtxFusedMultiplyAdd>)
            : accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, int, int, ArrayView<T>, ArrayView<T>, ArrayView<T>, double, double>(ProximalKernels.Activate<T, TOps, HostFusedMultiplyAdd>);
        OutputSeed = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, int, int, ArrayView<T>>(ProximalKernels.OutputSeed<T, TOps>);
        LinearPart = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, int, int, double, ArrayView<T>>(ProximalKernels.LinearPart<T, TOps>);
        Multiply = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>>(ProximalKernels.Multiply<T, TOps>);
        TangentAdjoint = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int, int, ArrayView<T>>(ProximalKernels.TangentAdjoint<T, TOps>);
        Potential = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int, int, double, ArrayView<T>>(ProximalKernels.Potential<T, TOps>);
        SumChunks = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, int, ArrayView<T>>(ProximalKernels.SumChunks<T, TOps>);
    }
}
