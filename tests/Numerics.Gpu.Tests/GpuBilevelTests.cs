using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;

namespace Numerics.Gpu.Tests;

/// <summary>
/// MAID on the device: the TV and field-of-experts problems of Core, on device stacks through
/// <see cref="GpuArithmetic{T}"/> and <see cref="GpuImageOperators{T}"/>, driven by Core's MaidSolver,
/// against the same solve on the host. The full checks of the problems (derivatives against finite
/// differences, certified constants, the exact-loss decrease) run on the host in Core's tests; here
/// the device run must reproduce the host run. Two images of 12×14 and one outer iteration each:
/// every device dot or norm is a 256-thread group with barriers on the CPU simulator (about 0.2 s
/// each on 2 loaded cores), and one MAID iteration costs some 200–300 of them. The starting points
/// and accuracies are chosen so that the iteration accepts a step with few inner iterations.
/// </summary>
/// <remarks>
/// Every vector the problems form is the host's bits on the simulator (the image operators, the
/// element-wise potentials and the scaled additions compute the same operations in the same order);
/// only the dots and norms are reduced in another order (a tree instead of SIMD lanes), a relative
/// difference of a few ulps in each scalar. Those scalars feed the solvers' stopping and acceptance
/// tests, so the two runs take the same discrete decisions unless a test lands within rounding of its
/// threshold, which these deterministic cases do not: on the simulator the iteration counts must be
/// equal. The iterates then differ only by the rounding the scalars carry through FISTA's momentum and
/// CG's coefficients (see <see cref="Agreement"/>).
/// </remarks>
[Collection("gpu")]
public sealed class GpuBilevelTests(GpuFixture gpu)
{
    private static readonly ImageShape Shape = new(2, 12, 14);

    /// <summary>
    /// Relative agreement of θ and of the denoised stacks. Each reduced scalar differs between host
    /// and device by ≲ γ_n ≈ 1e-13 (n ≤ 2P = 672); FISTA and CG are contractive on these
    /// 1-strongly convex, L ≤ 60 smooth lower levels, so the difference in x̃ stays of that order
    /// times the iteration count (≤ a few hundred), and θ moves by α·z with z computed from x̃:
    /// about 1e-11 in all. 1e-9 leaves a factor 100 and is far below the accuracies (ε ≥ 1e-6) the
    /// runs certify.
    /// </summary>
    private const double Agreement = 1e-9;

    /// <summary>Piecewise-constant stacks (blocks of two levels per image) and their noisy copies (σ = 0.1, seeded).</summary>
    private static (double[] Clean, double[] Noisy) Images()
    {
        var clean = new double[Shape.Pixels];
        for (int n = 0; n < Shape.Count; n++)
        for (int i = 0; i < Shape.Height; i++)
        for (int j = 0; j < Shape.Width; j++)
            clean[(n * Shape.Height + i) * Shape.Width + j] = ((i / 4 + j / 5 + n) % 2 == 0) ? 0.2 : 0.8;
        return (clean, DenoisingImages.AddNoise(clean, 0.1, 7));
    }

    private DeviceMatrix<double> Upload(double[] values) => DeviceMatrix<double>.Upload(gpu.Device, values.Length, 1, values);

    private static double MaxRelativeDifference(double[] a, double[] b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(y))).Max();

    /// <summary>Runs MAID on the host and on the device with the same options from the same θ₀, and compares them.</summary>
    private void SameRun(
        Func<IVectorArithmetic<double[]>, IImageOperators<double[]>, double[], double[], IBilevelProblem<double[]>> hostProblem,
        Func<IVectorArithmetic<DeviceMatrix<double>>, IImageOperators<DeviceMatrix<double>>, DeviceMatrix<double>, DeviceMatrix<double>, IBilevelProblem<DeviceMatrix<double>>> deviceProblem,
        double[] theta0, MaidOptions options)
    {
        var (clean, noisy) = Images();
        var host = hostProblem(HostVectorArithmetic.Instance, HostImageOperators.Instance, clean, noisy);
        var cpu = new MaidSolver<double[]>(HostVectorArithmetic.Instance, options).Solve(host, theta0);
        (host as IDisposable)?.Dispose();

        var ops = new GpuArithmetic<double>(gpu.Device);
        using var images = new GpuImageOperators<double>(gpu.Device);
        IBilevelProblem<DeviceMatrix<double>> problem;
        using (var deviceClean = Upload(clean))
        using (var deviceNoisy = Upload(noisy))
            problem = deviceProblem(ops, images, deviceClean, deviceNoisy);
        BilevelResult<DeviceMatrix<double>> device;
        try
        {
            device = new MaidSolver<DeviceMatrix<double>>(ops, options).Solve(problem, theta0);
        }
        finally
        {
            (problem as IDisposable)?.Dispose();
        }
        var x = new double[Shape.Pixels];
        device.LowerSolution.CopyTo(x);
        device.LowerSolution.Dispose();

        Assert.True(cpu.Steps.Count > 0, "the host run accepted a step, so the comparison covers a move of θ");
        Assert.Equal(cpu.Status, device.Status);
        Assert.Equal(cpu.Iterations, device.Iterations);
        Assert.Equal(cpu.Steps.Count, device.Steps.Count);
        if (gpu.Device.Kind == GpuKind.CpuSimulator)
        {
            Assert.Equal(cpu.LowerIterations, device.LowerIterations);
            Assert.Equal(cpu.AdjointIterations, device.AdjointIterations);
            Assert.Equal(cpu.DescentRefinements, device.DescentRefinements);
            Assert.Equal(cpu.BacktrackFailures, device.BacktrackFailures);
        }
        Assert.True(MaxRelativeDifference(device.Theta, cpu.Theta) <= Agreement, $"θ differs by {MaxRelativeDifference(device.Theta, cpu.Theta):E2}");
        Assert.True(MaxRelativeDifference(x, cpu.LowerSolution) <= Agreement, $"x̃ differs by {MaxRelativeDifference(x, cpu.LowerSolution):E2}");
        Assert.True(Math.Abs(device.UpperLoss - cpu.UpperLoss) <= Agreement * cpu.UpperLoss);
        Assert.True(Math.Abs(device.Final.ErrorBound - cpu.Final.ErrorBound) <= Agreement * cpu.Final.ErrorBound);
        // The device's own certificate: every accepted step promised U(θ_{k+1}) ≤ Lo(θ_k) − λα‖z‖².
        foreach (var step in device.Steps) Assert.True(step.UpperLossUpperBound <= step.ReferenceLowerBound - step.RequiredDecrease);
    }

    /// <summary>One outer iteration from ε₀ = δ₀ = 1e-4, where the descent test passes at once.</summary>
    private static MaidOptions Options => new() { MaxIterations = 1, InitialAccuracy = 1e-4, InitialAdjointAccuracy = 1e-4 };

    [Fact]
    public void Tv_maid_on_the_device_reproduces_the_host_run()
    {
        // θ₀ = (−6, −3): w/ν small, so that the lower level is well conditioned (L = 1 + 8w/ν ≈ 1.1).
        SameRun(
            (ops, images, clean, noisy) => new TotalVariationDenoisingProblem<double[]>(ops, images, Shape, clean, noisy),
            (ops, images, clean, noisy) => new TotalVariationDenoisingProblem<DeviceMatrix<double>>(ops, images, Shape, clean, noisy),
            [-6.0, -3.0], Options);
    }

    [Fact]
    public void Field_of_experts_maid_on_the_device_reproduces_the_host_run()
    {
        // One 5×5 filter from the seeded Xavier start, with log β = −7 instead of −3 for a well-conditioned lower level.
        const int filters = 1, size = 5;
        var (clean, noisy) = Images();
        using var start = new FieldOfExpertsProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, Shape, clean, noisy, filters, size);
        var theta0 = start.InitialParameters(3);
        theta0[0] = -7;
        SameRun(
            (ops, images, c, y) => new FieldOfExpertsProblem<double[]>(ops, images, Shape, c, y, filters, size),
            (ops, images, c, y) => new FieldOfExpertsProblem<DeviceMatrix<double>>(ops, images, Shape, c, y, filters, size),
            theta0, Options);
    }
}
