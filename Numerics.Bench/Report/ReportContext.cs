using Numerics.Gpu;

namespace Numerics.Bench.Report;

/// <summary>
/// What every report section shares: the writer, the smoke flag that picks between a section's own
/// smoke and full sizes, and one GPU device, created on first use and disposed with the context.
/// </summary>
/// <remarks>
/// The device is shared so that ILGPU's context start-up and kernel compilation are paid once per
/// report rather than once per section, and so that the CPU-simulator gate below is written once.
/// </remarks>
public sealed class ReportContext(TextWriter writer, bool smoke) : IDisposable
{
    private GpuDevice? _device;

    /// <summary>Where the section writes its tables (Markdown-flavoured plain text).</summary>
    public TextWriter Writer { get; } = writer;

    /// <summary><c>--smoke</c>: each section runs its smallest problem only (CI).</summary>
    public bool Smoke { get; } = smoke;

    /// <summary>The GPU device: CUDA when present, else the ILGPU CPU simulator; created on first use.</summary>
    public GpuDevice Device => _device ??= GpuDevice.Create();

    /// <summary>True when GPU timings mean something: the device is CUDA, not the CPU simulator.</summary>
    public bool GpuTimed => Device.Kind == GpuKind.Cuda;

    /// <summary>The device when it is a CUDA device, else null (for rows that only make sense on a real GPU).</summary>
    public GpuDevice? CudaDevice => GpuTimed ? Device : null;

    /// <summary><paramref name="smoke"/> under <c>--smoke</c>, else <paramref name="full"/>.</summary>
    public T[] Sizes<T>(T[] smoke, T[] full) => Smoke ? smoke : full;

    /// <summary>
    /// The sizes of a GPU table: writes the device line, and on the CPU simulator writes the
    /// agreement-only note and returns <paramref name="agreementCheck"/> alone instead of the
    /// smoke or full sizes.
    /// </summary>
    /// <remarks>
    /// The simulator is correct but orders of magnitude slower than the CPU kernels, so on it a
    /// section checks that the GPU code agrees with the CPU on one small problem and reports no timings.
    /// </remarks>
    public T[] GpuSizes<T>(T[] smoke, T[] full, T agreementCheck)
    {
        Writer.WriteLine($"device: {Device}");
        if (GpuTimed) return Sizes(smoke, full);
        Writer.WriteLine("no CUDA device: agreement check only (the CPU simulator is not timed against the CPU).");
        return [agreementCheck];
    }

    /// <summary>Disposes the GPU device, if one was created.</summary>
    public void Dispose()
    {
        _device?.Dispose();
        _device = null;
    }
}
