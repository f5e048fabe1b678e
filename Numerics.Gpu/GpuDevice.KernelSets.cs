using Numerics.Gpu.Kernels;

namespace Numerics.Gpu;

/// <summary>
/// The one place where an element type picks the arithmetic struct its kernels are compiled with
/// (ILGPU kernels cannot use generic-math operators, so float and double each close the generic
/// kernels over their own struct). Everything else launches kernels typed in T only.
/// </summary>
public sealed partial class GpuDevice
{
    /// <summary>The dense kernels of T on this device (compiled on first use).</summary>
    internal DenseKernels<T> DenseKernels<T>() where T : unmanaged => typeof(T) == typeof(double)
        ? (DenseKernels<T>)(object)Kernels(acc => new DenseKernelSet<double, DoubleOps>(acc))
        : (DenseKernels<T>)(object)Kernels(acc => new DenseKernelSet<float, SingleOps>(acc));

    /// <summary>The SRHT kernels of T on this device.</summary>
    internal SrhtKernels<T> SrhtKernels<T>() where T : unmanaged => typeof(T) == typeof(double)
        ? (SrhtKernels<T>)(object)Kernels(acc => new SrhtKernelSet<double, DoubleOps>(acc))
        : (SrhtKernels<T>)(object)Kernels(acc => new SrhtKernelSet<float, SingleOps>(acc));

    /// <summary>The Gaussian sketch kernel of T on this device.</summary>
    internal GaussianKernels<T> GaussianKernels<T>() where T : unmanaged => typeof(T) == typeof(double)
        ? (GaussianKernels<T>)(object)Kernels(acc => new GaussianKernelSet<double, DoubleOps>(acc))
        : (GaussianKernels<T>)(object)Kernels(acc => new GaussianKernelSet<float, SingleOps>(acc));

    /// <summary>The sparse transport kernels of T on this device.</summary>
    internal TransportKernels<T> TransportKernels<T>() where T : unmanaged => typeof(T) == typeof(double)
        ? (TransportKernels<T>)(object)Kernels(acc => new TransportKernelSet<double, DoubleOps>(acc))
        : (TransportKernels<T>)(object)Kernels(acc => new TransportKernelSet<float, SingleOps>(acc));

    /// <summary>The image-operator kernels of T on this device (the denoising problems' D, K and their adjoints).</summary>
    internal ImageKernels<T> ImageKernels<T>() where T : unmanaged => typeof(T) == typeof(double)
        ? (ImageKernels<T>)(object)Kernels(acc => new ImageKernelSet<double, DoubleOps>(acc))
        : (ImageKernels<T>)(object)Kernels(acc => new ImageKernelSet<float, SingleOps>(acc));

    /// <summary>The dense learned-proximal-network kernels of T on this device.</summary>
    internal ProximalKernels<T> ProximalKernels<T>() where T : unmanaged => typeof(T) == typeof(double)
        ? (ProximalKernels<T>)(object)Kernels(acc => new ProximalKernelSet<double, DoubleOps>(acc))
        : (ProximalKernels<T>)(object)Kernels(acc => new ProximalKernelSet<float, SingleOps>(acc));
}
