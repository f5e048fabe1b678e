using Numerics.Arithmetic;
using Numerics.Testing;

namespace Numerics.Gpu.Tests;

/// <summary>Device matrices of T.</summary>
public sealed class DeviceMatrixBackend<T>(GpuDevice device) : MatrixBackend<DeviceMatrix<T>> where T : unmanaged, IEquatable<T>, IFormattable
{
    public override IMatrixArithmetic<DeviceMatrix<T>> Ops { get; } = new GpuArithmetic<T>(device);

    public override double UnitRoundoff => typeof(T) == typeof(double) ? Tolerances.DoubleEpsilon : Tolerances.SingleEpsilon;

    public override DeviceMatrix<T> Upload(int rows, int cols, double[] values) =>
        DeviceMatrix<T>.Upload(device, rows, cols, HostValues.Convert<T>(values));

    public override double[] Download(DeviceMatrix<T> m)
    {
        var host = new T[m.Length];
        m.CopyTo(host);
        return HostValues.ToDouble(host);
    }
}

/// <summary>Batches of one device matrix: the batched kernels behind the lock-step Newton–Schulz.</summary>
public sealed class DeviceBatchBackend(GpuDevice device) : MatrixBackend<DeviceMatrixBatch<double>>
{
    public override IMatrixArithmetic<DeviceMatrixBatch<double>> Ops { get; } = new GpuBatchArithmetic<double>(device, 1);

    public override double UnitRoundoff => Tolerances.DoubleEpsilon;

    public override DeviceMatrixBatch<double> Upload(int rows, int cols, double[] values)
    {
        using var m = DeviceMatrix<double>.Upload(device, rows, cols, values);
        return DeviceMatrixBatch<double>.Pack([m]);
    }

    public override double[] Download(DeviceMatrixBatch<double> m)
    {
        using var single = m.Unpack(0);
        var host = new double[single.Length];
        single.CopyTo(host);
        return host;
    }
}

internal static class HostValues
{
    public static T[] Convert<T>(double[] values) where T : unmanaged =>
        typeof(T) == typeof(double) ? (T[])(object)values.Clone() : (T[])(object)Array.ConvertAll(values, v => (float)v);

    public static double[] ToDouble<T>(T[] values) where T : unmanaged =>
        typeof(T) == typeof(double) ? (double[])(object)values : Array.ConvertAll((float[])(object)values, v => (double)v);
}

[Collection("gpu")]
public sealed class GpuDoubleArithmeticTests(GpuFixture gpu) : MatrixArithmeticSuite<DeviceMatrix<double>>
{
    protected override MatrixBackend<DeviceMatrix<double>> Backend { get; } = new DeviceMatrixBackend<double>(gpu.Device);
}

[Collection("gpu")]
public sealed class GpuSingleArithmeticTests(GpuFixture gpu) : MatrixArithmeticSuite<DeviceMatrix<float>>
{
    protected override MatrixBackend<DeviceMatrix<float>> Backend { get; } = new DeviceMatrixBackend<float>(gpu.Device);
}

[Collection("gpu")]
public sealed class GpuBatchArithmeticTests(GpuFixture gpu) : MatrixArithmeticSuite<DeviceMatrixBatch<double>>
{
    protected override MatrixBackend<DeviceMatrixBatch<double>> Backend { get; } = new DeviceBatchBackend(gpu.Device);
}

/// <summary>Device vectors (n×1 double matrices), for the shared solver suites.</summary>
public sealed class GpuVectorBackend(GpuDevice device) : VectorBackend<DeviceMatrix<double>>
{
    public override Numerics.Arithmetic.IVectorArithmetic<DeviceMatrix<double>> Ops { get; } = new GpuArithmetic<double>(device);

    public override string Name => "gpu";

    public override DeviceMatrix<double> Upload(double[] values) => DeviceMatrix<double>.Upload(device, values.Length, 1, values);

    public override double[] Download(DeviceMatrix<double> x)
    {
        var host = new double[x.Length];
        x.CopyTo(host);
        return host;
    }

    public override void CopyFromHost(double[] values, DeviceMatrix<double> x) => x.CopyFrom(values);
}
