using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Optimization;
using Numerics.Spectral;
using Numerics.Testing;

namespace Numerics.Core.Tests.Optimization;

/// <summary>
/// The landed solvers on the shared stopping rule: cancellation from inside a progress report stops
/// them within one iteration with <see cref="SolverStatus.Cancelled"/> and no exception, progress
/// sends one record per iteration, and their option records share the checks of
/// <see cref="IterativeOptions"/>.
/// </summary>
public class CancellationTests
{
    [Fact]
    public void Lsqr_stops_within_one_iteration_of_cancellation()
    {
        const int m = 400, n = 60, stopAt = 3;
        var a = TestData.Random(m * n, 21);
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<IterationProgress>(p => { if (p.Iteration == stopAt) cts.Cancel(); });
        var r = Lsqr.Solve(new DenseOperator(a, m, n, m), TestData.Random(m, 22),
            options: new LsqrOptions { Tolerance = 1e-15, CancellationToken = cts.Token, Progress = progress });
        Assert.Equal(SolverStatus.Cancelled, r.Status);
        Assert.Equal(stopAt, r.Iterations);
        Assert.Equal(Enumerable.Range(1, stopAt), progress.Records.Select(p => p.Iteration));
        Assert.All(r.X, v => Assert.True(double.IsFinite(v)));
    }

    [Theory]
    [InlineData(SpectralMode.Soft)]
    [InlineData(SpectralMode.Polar)]
    public void Newton_Schulz_stops_within_one_step_of_cancellation(SpectralMode mode)
    {
        // σ spread over [1e-3, 30] with c = 1: α ≈ 900, the soft clip needs about ten steps and the
        // polar factor's cubic phase several, so step 2 is mid-iteration for both.
        var x = Matrix<double>.Build.Dense(20, 30, TestData.Random(600, 23));
        var svd = x.Svd();
        var s = Matrix<double>.Build.Dense(20, 30);
        for (int i = 0; i < 20; i++) s[i, i] = 30 * Math.Pow(1e-3 / 30, i / 19.0);
        x = svd.U * s * svd.VT;
        using var cts = new CancellationTokenSource();
        int first = -1;
        var progress = new SynchronousProgress<IterationProgress>(p => { if (first < 0) first = p.Iteration; if (p.Iteration == first + 2) cts.Cancel(); });
        var options = new NewtonSchulzOptions { CancellationToken = cts.Token, Progress = progress };
        var r = NewtonSchulz.Apply(mode, HostArithmetic<double>.Instance, new HostMatrix<double>(20, 30, x.ToColumnMajorArray()), 1.0, options, 1e-12);
        Assert.Equal(SolverStatus.Cancelled, r.Status);
        Assert.Equal(first + 2, r.Steps);
        // One record per residual computed, the step count first, then one per step.
        Assert.Equal(Enumerable.Range(first, 3), progress.Records.Select(p => p.Iteration));
        // The result's residual is the certificate recomputed from the iterate at cancellation (the
        // records carry the recursion's estimates): mid-iteration it cannot meet the 2·tol that Converged needs.
        Assert.True(double.IsFinite(r.Residual) && r.Residual > 2e-12, $"certificate {r.Residual:E2}");
    }

    [Fact]
    public void Option_records_share_the_iterative_checks()
    {
        var x = Matrix<double>.Build.Dense(3, 3, 1.0);
        IterativeOptions[] bad = [new NewtonSchulzOptions { Tolerance = double.NaN }, new NewtonSchulzOptions { MaxIterations = -1 }];
        foreach (var o in bad)
            Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Soft, x, 1.0, new SpectralClipOptions { NewtonSchulz = (NewtonSchulzOptions)o }));
        Assert.Throws<ArgumentException>("options", () => Lsqr.Solve(new DenseOperator(new double[9], 3, 3, 3), new double[3], options: new LsqrOptions { Btol = double.PositiveInfinity }));
        Assert.Throws<ArgumentException>("options", () => Numerics.Sketching.SketchedLeastSquares.Solve(x, Vector<double>.Build.Dense(3), new() { Tolerance = -1 }));
        Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Soft, x, 1.0, new SpectralClipOptions { NewtonSchulz = new() { Steps = 81 } }));
        Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Polar, x, 1.0, new SpectralClipOptions { NewtonSchulz = new() { PolarSchedule = PolarSchedule.PolarExpress, Steps = 6 } }));
        Assert.Equal(81, SpectralClip.Apply(SpectralMode.Soft, x, 1.0, new SpectralClipOptions { NewtonSchulz = new() { Steps = 81, MaxIterations = 81 } }).Steps);
        // Every polar schedule starts with five fixed steps, which a limit of 2 cannot honour.
        foreach (var schedule in Enum.GetValues<PolarSchedule>())
            Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Polar, x + Matrix<double>.Build.DenseIdentity(3), 1.0,
                new SpectralClipOptions { NewtonSchulz = new() { PolarSchedule = schedule, MaxIterations = 2 } }));
        var ops = HostArithmetic<double>.Instance;
        var h = new HostMatrix<double>(3, 3, new double[9]);
        Assert.Throws<ArgumentNullException>("options", () => NewtonSchulz.Polar(ops, h, null!, 1e-12));
        Assert.Throws<ArgumentException>("tolerance", () => NewtonSchulz.SoftClip(ops, h, 1.0, new NewtonSchulzOptions(), -1));
    }
}
