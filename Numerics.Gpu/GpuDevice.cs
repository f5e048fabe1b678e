using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Numerics.Gpu;

/// <summary>Which kind of accelerator a <see cref="GpuDevice"/> runs on.</summary>
public enum GpuKind
{
    /// <summary>An NVIDIA GPU through CUDA.</summary>
    Cuda,
    /// <summary>ILGPU's CPU accelerator: a SIMT simulator for tests, correct but slow.</summary>
    CpuSimulator,
}

/// <summary>
/// An ILGPU context and accelerator. <see cref="Create"/> picks the first CUDA device, falling back
/// to the CPU simulator; <c>NUMERICS_GPU=cuda|cpu</c> forces one.
/// </summary>
/// <remarks>
/// CUDA devices are selected explicitly: ILGPU's "preferred device" sorts by memory size and can
/// pick an OpenCL CPU runtime over a GPU. The driver is often present only as <c>libcuda.so.1</c>,
/// which .NET does not probe for the name <c>cuda</c>, so that mapping is registered here.
/// </remarks>
public sealed partial class GpuDevice : IDisposable
{
    /// <summary>The environment variable that forces a device kind.</summary>
    public const string EnvironmentVariable = "NUMERICS_GPU";

    private readonly Context _context;
    private readonly Dictionary<Type, object> _kernelSets = [];

    static GpuDevice()
    {
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveCuda;
    }

    private static nint ResolveCuda(Assembly assembly, string name)
    {
        if (name != "cuda" && name != "nvcuda") return 0;
        foreach (var candidate in new[] { "libcuda.so", "libcuda.so.1" })
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        return 0;
    }

    private GpuDevice(Context context, Accelerator accelerator, GpuKind kind)
    {
        _context = context;
        Accelerator = accelerator;
        Kind = kind;
    }

    /// <summary>Creates a device of the requested kind, or the best available when <paramref name="kind"/> is null.</summary>
    /// <exception cref="InvalidOperationException">CUDA was requested but no CUDA device exists.</exception>
    /// <exception cref="EnvironmentVariableException"><c>NUMERICS_GPU</c> is invalid, or asks for CUDA and there is none.</exception>
    public static GpuDevice Create(GpuKind? kind = null)
    {
        bool fromEnvironment = kind is null;
        kind ??= RequestedKind;
        var context = Context.Create(b => b.Cuda().CPU(CPUDeviceKind.Nvidia).Optimize(OptimizationLevel.O1));
        try
        {
            if (kind != GpuKind.CpuSimulator)
            {
                var cuda = context.GetCudaDevices();
                if (cuda.Count > 0) return new GpuDevice(context, cuda[0].CreateAccelerator(context), GpuKind.Cuda);
            }
            if (kind == GpuKind.Cuda)
                throw fromEnvironment
                    ? new EnvironmentVariableException(EnvironmentVariable, $"{EnvironmentVariable}=cuda was requested but no CUDA device was found.")
                    : new InvalidOperationException("GpuKind.Cuda was requested but no CUDA device was found.");
            return new GpuDevice(context, context.CreateCPUAccelerator(0), GpuKind.CpuSimulator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The kind <c>NUMERICS_GPU</c> asks for, or null when it is unset.</summary>
    /// <exception cref="EnvironmentVariableException"><c>NUMERICS_GPU</c> is not one of cuda, cpu.</exception>
    public static GpuKind? RequestedKind => ParseRequest(Environment.GetEnvironmentVariable(EnvironmentVariable));

    internal static GpuKind? ParseRequest(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "cuda" or "gpu" => GpuKind.Cuda,
        "cpu" => GpuKind.CpuSimulator,
        _ => throw new EnvironmentVariableException(EnvironmentVariable, $"{EnvironmentVariable}='{value}' is not one of cuda, cpu."),
    };

    /// <summary>Names of the CUDA devices visible to this process (empty when none).</summary>
    public static IReadOnlyList<string> ListCudaDevices()
    {
        try
        {
            using var context = Context.Create(b => b.Cuda());
            var names = new List<string>();
            foreach (var d in context.GetCudaDevices()) names.Add($"{d.Name} ({d.MemorySize / (1L << 20)} MiB, {d.Architecture})");
            return names;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            return [];
        }
    }

    /// <summary>The ILGPU accelerator, for kernels of the families.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>CUDA or the CPU simulator.</summary>
    public GpuKind Kind { get; }

    /// <summary>The device name as reported by ILGPU.</summary>
    public string Name => Accelerator.Name;

    /// <summary>Whether <see cref="Dispose"/> has run (the families' types refuse a disposed device).</summary>
    public bool IsDisposed => Accelerator.IsDisposed;

    /// <summary>Waits for every queued kernel and copy to finish.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    /// <summary>The kernel set for one element type, compiled once per device on first use.</summary>
    internal TSet Kernels<TSet>(Func<Accelerator, TSet> load) where TSet : class
    {
        lock (_kernelSets)
        {
            if (!_kernelSets.TryGetValue(typeof(TSet), out var set)) _kernelSets[typeof(TSet)] = set = load(Accelerator);
            return (TSet)set;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({(Kind == GpuKind.Cuda ? "CUDA" : "ILGPU CPU simulator")})";

    /// <summary>Releases the accelerator and the context.</summary>
    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }
}
