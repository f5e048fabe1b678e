using Numerics.Transport;

namespace Numerics.Gpu;

/// <summary>
/// Sparsity-constrained optimal transport on a <see cref="GpuDevice"/>: the objective evaluates on
/// device buffers (<see cref="GpuTransportObjective{T}"/>), the L-BFGS vectors live on the device
/// (<see cref="GpuArithmetic{T}"/>), and the control logic is Core's
/// <see cref="SparseTransport.Solve{TVector}"/>. The plan comes back to the host at the end.
/// </summary>
public static class GpuSparseTransport
{
    /// <summary>Solves <paramref name="problem"/> with at most <paramref name="k"/> non-zeros per column, C and the potentials stored as T on the device.</summary>
    /// <param name="device">The device.</param>
    /// <param name="problem">The validated problem.</param>
    /// <param name="k">The most non-zeros per column, ≥ 1.</param>
    /// <param name="options">As for <see cref="SparseTransport.Solve(TransportProblem, int, SparseTransportOptions?)"/>; null: the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> or <paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentException">An option or warm start is invalid, or (naming problem) T is float and a cost lies beyond float's range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static SparseTransportResult Solve<T>(GpuDevice device, TransportProblem problem, int k, SparseTransportOptions? options = null)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        options ??= new SparseTransportOptions();
        options.Validate(nameof(options));
        var start = SparseTransport.StartingPoint(problem, options);
        using var objective = new GpuTransportObjective<T>(device, problem, options.Formulation, k, options.Gamma);
        using var x0 = DeviceMatrix<T>.Upload(device, start.Length, 1, GpuTransportObjective<T>.FromHost(start));
        return SparseTransport.Solve(objective, new GpuArithmetic<T>(device), x0, options);
    }

    /// <summary>
    /// Solves a batch of equal-shaped problems at once on the device: one kernel launch per evaluation
    /// covers every problem's columns (<see cref="GpuTransportBatchObjective{T}"/>), and the control
    /// logic is Core's <see cref="SparseTransport.SolveBatch(ISparseTransportBatchObjective, SparseTransportOptions?)"/>,
    /// as on the CPU: one L-BFGS per problem, on the host, in lockstep.
    /// </summary>
    /// <param name="device">The device.</param>
    /// <param name="problems">The problems, all of the same m×n.</param>
    /// <param name="k">The most non-zeros per column, ≥ 1.</param>
    /// <param name="options">As for <see cref="SparseTransport.SolveBatch(IReadOnlyList{TransportProblem}, int, SparseTransportOptions?)"/>; null: the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> or <paramref name="problems"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch is empty, holds a null entry or mixes shapes (names problems); an option is invalid or a warm start is set (names options).</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static SparseTransportBatchResult SolveBatch<T>(GpuDevice device, IReadOnlyList<TransportProblem> problems, int k, SparseTransportOptions? options = null)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(device);
        SparseTransport.RequireBatch(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        options = SparseTransport.RequireBatchOptions(options);
        using var objective = new GpuTransportBatchObjective<T>(device, problems, options.Formulation, k, options.Gamma);
        return SparseTransport.SolveBatch(objective, options);
    }
}
