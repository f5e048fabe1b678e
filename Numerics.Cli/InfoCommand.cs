using Numerics.Gpu;
using Numerics.LinearAlgebra;

namespace Numerics.Cli;

/// <summary><c>numerics info</c>: version, BLAS backend and threads, GPU devices.</summary>
public sealed class InfoCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "info";

    /// <inheritdoc />
    public string Summary => "print the version, the BLAS backend and its threads, and the GPU devices found";

    /// <inheritdoc />
    public string Usage => "numerics info";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        context.Arguments.EnsureAllUsed();
        var blas = LinearAlgebraBackend.Current;
        var cuda = GpuDevice.ListCudaDevices();
        context.Error.WriteLine($"numerics {CliApp.Version}");
        context.Error.WriteLine($"BLAS: {blas.Kind} — {blas.Description} — {blas.Threads} threads");
        if (LinearAlgebraBackend.Native is null) context.Error.WriteLine($"native BLAS unavailable: {LinearAlgebraBackend.NativeUnavailableReason}");
        context.Error.WriteLine(cuda.Count == 0 ? "GPU: no CUDA device; --device gpu runs on the ILGPU CPU simulator" : $"GPU: {string.Join("; ", cuda)}");
        context.Summary(new Dictionary<string, object?>
        {
            ["version"] = CliApp.Version,
            ["blas"] = blas.Kind.ToString(),
            ["blas_description"] = blas.Description,
            ["blas_threads"] = blas.Threads,
            ["cuda_devices"] = cuda,
            ["cores"] = Environment.ProcessorCount,
        });
        return 0;
    }
}
