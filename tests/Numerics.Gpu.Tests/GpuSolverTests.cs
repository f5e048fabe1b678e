using Numerics.Arithmetic;
using Numerics.Optimization;
using Numerics.Testing;

namespace Numerics.Gpu.Tests;

/// <summary>
/// The shared solvers on device vectors: the same control code as on the host, with every vector
/// operation a kernel. The full suites run on the host (tests/Numerics.Core.Tests/Optimization);
/// here each solver runs one small problem on the device and must reach the host's status and
/// answer (the dots and norms are reduced in a different order, so to rounding, not to the bit)
/// as well as the independent reference. Small, because the CPU simulator pays per launch.
/// </summary>
[Collection("gpu")]
public sealed class GpuSolverTests(GpuFixture gpu)
{
    /// <summary>Host and device differ only in the reduction order of dots and norms: a few hundred ulps after dozens of iterations.</summary>
    private const double HostDeviceAgreement = 1e-9;

    private GpuVectorBackend Device { get; } = new(gpu.Device);

    private static double MaxRelativeDifference(double[] a, double[] b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(y))).Max();

    [Fact]
    public void Lbfgs_on_device_vectors_matches_the_host_on_Rosenbrock()
    {
        double[] x0 = [-1.2, 1.0];
        var host = Lbfgs.Minimize(new HostObjective<double[]>(HostVectorBackend.Instance, 2, LbfgsProblems.Rosenbrock), x0);
        using var start = Device.Upload(x0);
        var device = new Lbfgs<DeviceMatrix<double>>(Device.Ops).Minimize(new HostObjective<DeviceMatrix<double>>(Device, 2, LbfgsProblems.Rosenbrock), start);
        var x = Device.Download(device.X);
        Assert.Equal(SolverStatus.Converged, host.Status);
        Assert.Equal(host.Status, device.Status);
        Assert.InRange(device.Iterations, host.Iterations - 2, host.Iterations + 2);
        Assert.True(device.Residual <= LbfgsOptions.DefaultTolerance);
        Assert.True(MaxRelativeDifference(x, host.X) <= 1e-6, "the minimiser (1, 1) to the gradient tolerance");
        Assert.True(MaxRelativeDifference(x, [1.0, 1.0]) <= 1e-4);
        Assert.Equal(x0, Device.Download(start));
    }

    [Fact]
    public void Conjugate_gradients_on_device_vectors_match_the_host_and_Cholesky()
    {
        const int n = 30;
        var a = DenseTestMatrices.WithSpectrum(DenseTestMatrices.LogSpaced(n, 1, 1e3), seed: 5);
        var b = DenseTestMatrices.RandomVector(n, 6);
        var options = new ConjugateGradientOptions<DeviceMatrix<double>> { Tolerance = 1e-12 };
        var host = new ConjugateGradient<double[]>(HostVectorArithmetic.Instance).Solve(
            new HostSymmetricOperator<double[]>(HostVectorBackend.Instance, n, (x, y) => DenseTestMatrices.Multiply(a, x, y)), b,
            options: new ConjugateGradientOptions<double[]> { Tolerance = 1e-12 });
        using var db = Device.Upload(b);
        var device = new ConjugateGradient<DeviceMatrix<double>>(Device.Ops).Solve(
            new HostSymmetricOperator<DeviceMatrix<double>>(Device, n, (x, y) => DenseTestMatrices.Multiply(a, x, y)), db, options: options);
        var x = Device.Download(device.X);
        var cholesky = a.Cholesky().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b)).ToArray();
        Assert.Equal(SolverStatus.Converged, device.Status);
        Assert.Equal(host.Status, device.Status);
        Assert.True(DenseTestMatrices.ResidualNorm(a, x, b) <= 1e-12 * DenseTestMatrices.Norm(b));
        Assert.True(MaxRelativeDifference(x, host.X) <= HostDeviceAgreement * 1e3, "κ = 1e3 amplifies rounding differences");
        // ‖x − x*‖ ≤ κ·‖r‖/‖b‖·‖x*‖ with κ = 1e3.
        Assert.True(DenseTestMatrices.Distance(x, cholesky) <= 1e3 * 1e-12 * DenseTestMatrices.Norm(cholesky) * 1.01);
    }

    [Fact]
    public void Fista_on_device_vectors_matches_the_host_on_a_lasso()
    {
        const int rows = 20, cols = 10;
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rows, cols, DenseTestMatrices.RandomVector(rows * cols, 7));
        var b = DenseTestMatrices.RandomVector(rows, 8);
        const double lambda = 0.3;
        double Smooth(double[] x, double[] g)
        {
            var r = a * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(x) - MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b);
            a.TransposeThisAndMultiply(r).CopyTo(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(g));
            return 0.5 * r.DotProduct(r);
        }
        var options = new ProximalGradientOptions { Tolerance = 1e-9 };
        var hostL1 = new L1Proximal<double[]>(HostVectorArithmetic.Instance, lambda);
        var host = new ProximalGradient<double[]>(HostVectorArithmetic.Instance).Minimize(
            new HostObjective<double[]>(HostVectorBackend.Instance, cols, Smooth), hostL1, new double[cols], options);
        var deviceL1 = new L1Proximal<DeviceMatrix<double>>(Device.Ops, lambda);
        using var start = Device.Upload(new double[cols]);
        var device = new ProximalGradient<DeviceMatrix<double>>(Device.Ops).Minimize(
            new HostObjective<DeviceMatrix<double>>(Device, cols, Smooth), deviceL1, start, options);
        var x = Device.Download(device.X);
        Assert.Equal(SolverStatus.Converged, device.Status);
        Assert.Equal(host.Status, device.Status);
        Assert.True(device.Residual <= 1e-9);
        Assert.True(MaxRelativeDifference(x, host.X) <= 1e-7, "both within the gradient-mapping tolerance of the minimiser");
        Assert.Contains(x, v => v == 0);                    // soft thresholding on the device gives exact zeros
    }
}
