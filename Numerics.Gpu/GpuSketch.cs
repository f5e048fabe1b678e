using ILGPU;
using ILGPU.Runtime;
using Numerics.Gpu.Kernels;
using Numerics.Sketching;

namespace Numerics.Gpu;

/// <summary>
/// Sketches of device-resident matrices: the SRHT (scatter with signs and permutation, column
/// FWHT in shared memory then radix-2 stages, gather of the sampled rows) and the Gaussian sketch
/// (random blocks generated on the device, multiplied by the GEMM kernel), for float and double.
/// </summary>
/// <remarks>
/// The sketch is the one <see cref="SketchOperator"/> defines: same permutation, signs, sampled rows
/// and Philox stream as the CPU, so the GPU result equals the CPU result for the same seed up to
/// rounding (the CPU prunes the last transform stages; the device runs them all).
/// </remarks>
public sealed class GpuSketch
{
    private const int GaussianColumnChunk = 4096;
    private readonly GpuLinearAlgebra _linearAlgebra;

    /// <summary>Sketches on <paramref name="device"/>.</summary>
    public GpuSketch(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        _linearAlgebra = new GpuLinearAlgebra(device);
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <summary>S·X for the n×c device matrix X; returns a new m×c device matrix.</summary>
    /// <exception cref="ArgumentException">X's row count is not n, or X lives on another device.</exception>
    /// <exception cref="NotSupportedException">The sketch is a CountSketch (no device kernel: its scattered sums are not deterministic with atomics).</exception>
    public DeviceMatrix<T> Apply<T>(SketchOperator sketch, DeviceMatrix<T> x) where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentNullException.ThrowIfNull(x);
        if (!ReferenceEquals(x.Device, Device)) throw new ArgumentException("x lives on a different device.", nameof(x));
        if (x.Rows != sketch.InputRows) throw new ArgumentException($"x has {x.Rows} rows; the sketch takes {sketch.InputRows}.", nameof(x));
        var result = new DeviceMatrix<T>(Device, sketch.Rows, x.Cols);
        if (x.Cols == 0) return result;
        try
        {
            Run(sketch, x.View, x.Rows, x.Cols, result.View);
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>In-place unnormalised Walsh–Hadamard transform of every column of <paramref name="x"/> (row count a power of two).</summary>
    /// <exception cref="ArgumentException">The row count is not a power of two.</exception>
    public void Hadamard<T>(DeviceMatrix<T> x) where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!ReferenceEquals(x.Device, Device)) throw new ArgumentException("x lives on a different device.", nameof(x));
        if (x.Rows == 0 || (x.Rows & (x.Rows - 1)) != 0) throw new ArgumentException($"x must have a power-of-two row count, got {x.Rows}.", nameof(x));
        if (x.Cols == 0) return;
        Transform(Device.SrhtKernels<T>(), x.View, x.Rows, x.Cols);
    }

    private void Run<T>(SketchOperator sketch, ArrayView<T> x, int n, int columns, ArrayView<T> output) where T : unmanaged
    {
        var ops = Device.DenseKernels<T>();
        var accelerator = Device.Accelerator;
        int m = sketch.Rows;
        switch (sketch.Kind)
        {
            case SketchKind.Srht:
            {
                var k = Device.SrhtKernels<T>();
                int padded = sketch.PaddedRows;
                using var positions = accelerator.Allocate1D(sketch.Positions);
                using var signs = accelerator.Allocate1D(Array.ConvertAll(sketch.Signs, ops.FromDouble));
                using var rows = accelerator.Allocate1D(sketch.SampledRows);
                using var y = accelerator.Allocate1D<T>((long)padded * columns);
                y.MemSetToZero();
                k.Scatter(new Index2D(n, columns), x, n, positions.View, signs.View, y.View, padded);
                Transform(k, y.View, padded, columns);
                k.Gather(new Index2D(m, columns), y.View, padded, rows.View, output, m, ops.FromDouble(1.0 / Math.Sqrt(m)));
                accelerator.Synchronize();
                break;
            }
            case SketchKind.Gaussian:
            {
                var k = Device.GaussianKernels<T>();
                int chunk = Math.Min(n, GaussianColumnChunk);
                using var g = accelerator.Allocate1D<T>((long)m * chunk);
                for (int r0 = 0; r0 < n; r0 += chunk)
                {
                    int count = Math.Min(chunk, n - r0);
                    k.GaussianBlock(new Index2D(m, count), g.View, m, r0, sketch.Seed, SketchStreams.Gaussian, 1.0 / Math.Sqrt(m));
                    // output (m×c) += G (m×count) · X[r0.., :] (count×c, leading dimension n).
                    _linearAlgebra.Gemm(new GemmArguments<T>
                    {
                        M = m, N = columns, K = count, Lda = m, Ldb = n, Ldc = m, Alpha = ops.FromDouble(1.0),
                        Beta = ops.FromDouble(r0 == 0 ? 0.0 : 1.0),
                    }, g.View, x.SubView(r0), output);
                }
                accelerator.Synchronize();
                break;
            }
            default:
                throw new NotSupportedException("CountSketch has no device kernel (its scattered sums would need atomics, which are not deterministic); sketch on the CPU.");
        }
    }

    /// <summary>Shared-memory stages within chunks of each column, then one launch per remaining stage.</summary>
    private static void Transform<T>(SrhtKernels<T> k, ArrayView<T> y, int padded, int columns) where T : unmanaged
    {
        int chunk = Math.Min(padded, SketchKernels.SharedChunk);
        if (chunk >= 2)
            k.FwhtShared(new KernelConfig((padded / chunk) * columns, chunk / 2), y, padded, chunk);
        for (int h = chunk; h < padded; h *= 2)
            k.FwhtStage(new Index2D(padded / 2, columns), y, padded, h);
    }
}

/// <summary>
/// <see cref="ISketchBackend"/> on a GPU: uploads [A | b], sketches on the device and downloads the
/// m×(d+1) result; the solver's control logic stays on the host. Optionally in single precision
/// (the sketch is rounded to float on the device and widened on download).
/// </summary>
public sealed class GpuSketchBackend : ISketchBackend
{
    private readonly GpuSketch _sketch;
    private readonly bool _single;

    /// <summary>A backend on <paramref name="device"/>; <paramref name="singlePrecision"/> sketches in float.</summary>
    public GpuSketchBackend(GpuDevice device, bool singlePrecision = false)
    {
        _sketch = new GpuSketch(device);
        _single = singlePrecision;
    }

    /// <inheritdoc />
    public string Name => _sketch.Device.ToString() + (_single ? " fp32" : "");

    /// <inheritdoc />
    /// <remarks>Cancellation is checked before the upload and before the download; a running kernel is not interrupted.</remarks>
    public double[] SketchAugmented(SketchOperator sketch, ReadOnlySpan<double> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        int n = sketch.InputRows;
        if (a.Length < (long)n * columns) throw new ArgumentException($"a holds {a.Length} values; {(long)n * columns} are needed.", nameof(a));
        if (!b.IsEmpty && b.Length != n) throw new ArgumentException($"b has length {b.Length}; the sketch takes {n} rows.", nameof(b));
        cancellationToken.ThrowIfCancellationRequested();
        return _single ? Run<float>(sketch, a, columns, b, cancellationToken) : Run<double>(sketch, a, columns, b, cancellationToken);
    }

    private double[] Run<T>(SketchOperator sketch, ReadOnlySpan<double> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        int n = sketch.InputRows;
        int total = columns + (b.IsEmpty ? 0 : 1);
        using var x = new DeviceMatrix<T>(_sketch.Device, n, total);
        if (typeof(T) == typeof(double))
        {
            var view = x.View.Cast<double>();
            view.SubView(0, (long)n * columns).CopyFromCPU(a[..(n * columns)]);
            if (!b.IsEmpty) view.SubView((long)n * columns, n).CopyFromCPU(b);
        }
        else
        {
            var host = new float[(long)n * total];
            for (long i = 0; i < (long)n * columns; i++) host[i] = (float)a[(int)i];
            for (int i = 0; i < b.Length; i++) host[(long)n * columns + i] = (float)b[i];
            x.View.Cast<float>().CopyFromCPU(host);
        }
        using var sa = _sketch.Apply(sketch, x);
        cancellationToken.ThrowIfCancellationRequested();
        if (typeof(T) == typeof(double))
        {
            var result = new double[sa.Length];
            sa.View.Cast<double>().CopyToCPU(result);
            return result;
        }
        var single = new float[sa.Length];
        sa.View.Cast<float>().CopyToCPU(single);
        return Array.ConvertAll(single, v => (double)v);
    }
}
