using Numerics.Gpu;
using Numerics.LinearAlgebra;

namespace Numerics.Cli;

/// <summary><c>numerics info</c>: version, BLAS backend and threads, the native libraries rejected and why, GPU devices.</summary>
public sealed class InfoCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "info";

    /// <inheritdoc />
    public string Summary => "print the version, the BLAS backend and its threads, the native libraries rejected, and the GPU devices found";

    /// <inheritdoc />
    public string Usage => "numerics info";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        // --mpi (not in the usage: a launch check, see docs/mpi.md) tests the communicator instead.
        bool mpi = context.Arguments.Flag("mpi");
        context.Arguments.EnsureAllUsed();
        if (mpi) return MpiDiagnostic.Run(context);
        var blas = LinearAlgebraBackend.Current;
        var gpuRequest = GpuDevice.RequestedKind;
        var cuda = GpuDevice.ListCudaDevices();
        context.Error.WriteLine($"numerics {CliApp.Version}");
        context.Error.WriteLine($"BLAS: {blas.Kind} — {blas.Description} — {blas.Threads} threads");
        foreach (var rejected in LinearAlgebraBackend.RejectedLibraries) context.Error.WriteLine($"native library rejected: {rejected}");
        if (LinearAlgebraBackend.Native is null) context.Error.WriteLine($"native BLAS unavailable: {LinearAlgebraBackend.NativeUnavailableReason}");
        context.Error.WriteLine(cuda.Count == 0 ? "GPU: no CUDA device; --device gpu runs on the ILGPU CPU simulator" : $"GPU: {string.Join("; ", cuda)}");
        context.Summary(new Dictionary<string, object?>
        {
            ["version"] = CliApp.Version,
            ["blas"] = blas.Kind.ToString(),
            ["blas_description"] = blas.Description,
            ["blas_threads"] = blas.Threads,
            ["blas_gemm_thread_count_invariant"] = blas.GemmIsThreadCountInvariant,
            ["blas_rejected"] = LinearAlgebraBackend.RejectedLibraries,
            ["gpu_requested"] = gpuRequest?.ToString(),
            ["cuda_devices"] = cuda,
            ["cores"] = Environment.ProcessorCount,
        });
        return 0;
    }
}
