using ILGPU;
using ILGPU.Runtime;

namespace Numerics.Gpu;

/// <summary>
/// The device buffers of one batch of m inputs through a dense learned proximal network: the same
/// arrays as Core's host workspace (primal and tangent values side by side, h×2m, so each weight
/// gradient of the training pass is one product over 2m columns), carved out of one allocation,
/// plus an n×m output, m potentials and the partial products of the split weight gradients.
/// </summary>
internal sealed class DeviceProximalWorkspace<T> : IDisposable where T : unmanaged
{
    /// <summary>Columns per partial product of a weight gradient (a multiple of the GEMM's 16-wide slab).</summary>
    public const int GradientChunk = 256;

    private readonly MemoryBuffer1D<T, Stride1D.Dense> _buffer;

    public DeviceProximalWorkspace(Accelerator accelerator, int n, int h, int layers, int m)
    {
        Count = m;
        long hm = (long)h * m, nm = (long)n * m;
        long chunks = (2L * m + GradientChunk - 1) / GradientChunk;
        long partials = chunks > 1 ? chunks * h * Math.Max(h, n) : 0;
        long total = 2 * nm + layers * 5 * hm + 4 * hm + nm + m + partials;
        _buffer = accelerator.Allocate1D<T>(total);
        long next = 0;
        ArrayView<T> Take(long length)
        {
            var view = _buffer.View.SubView(next, length);
            next += length;
            return view;
        }
        InputAndDirection = Take(2 * nm);
        Activations = new ArrayView<T>[layers];
        Slopes = new ArrayView<T>[layers];
        Curvatures = new ArrayView<T>[layers];
        Tangents = new ArrayView<T>[layers];
        for (int k = 0; k < layers; k++)
        {
            Activations[k] = Take(2 * hm);
            Slopes[k] = Take(hm);
            Curvatures[k] = Take(hm);
            Tangents[k] = Take(hm);
        }
        Adjoint = Take(2 * hm);
        Scratch = Take(2 * hm);
        Output = Take(nm);
        Potentials = Take(m);
        Partials = partials > 0 ? Take(partials) : default;
    }

    /// <summary>m, the batch size.</summary>
    public int Count { get; }

    /// <summary>[y | r], n×2m: the inputs, then the tangent direction.</summary>
    public ArrayView<T> InputAndDirection { get; }

    /// <summary>Per layer (0-based), [z | ż], h×2m.</summary>
    public ArrayView<T>[] Activations { get; }

    /// <summary>Per layer, s′(u), h×m.</summary>
    public ArrayView<T>[] Slopes { get; }

    /// <summary>Per layer, s″(u), h×m.</summary>
    public ArrayView<T>[] Curvatures { get; }

    /// <summary>Per layer, u̇, h×m.</summary>
    public ArrayView<T>[] Tangents { get; }

    /// <summary>h×2m: pre-activations in the forward pass, δ in the prox's reverse pass, [ū | u̇̄] in the tangent's.</summary>
    public ArrayView<T> Adjoint { get; }

    /// <summary>h×2m: the transposed products of the reverse passes.</summary>
    public ArrayView<T> Scratch { get; }

    /// <summary>n×m: f(y) or ∇²ψ·v for the host-span calls.</summary>
    public ArrayView<T> Output { get; }

    /// <summary>m: ψ for the host-span calls.</summary>
    public ArrayView<T> Potentials { get; }

    /// <summary>The partial products of a weight gradient split over column chunks (empty when 2m fits one chunk).</summary>
    public ArrayView<T> Partials { get; }

    public void Dispose() => _buffer.Dispose();
}
