using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Core.Tests.Optimization;

public class LsqrTests
{
    private static (double[] A, Matrix<double> M) Random(int m, int n, int seed)
    {
        var a = TestData.Random(m * n, seed);
        return (a, Matrix<double>.Build.Dense(m, n, a));
    }

    [Fact]
    public void Lsqr_matches_the_QR_solution_of_a_random_overdetermined_system()
    {
        var (a, m) = Random(300, 20, 1);
        var b = TestData.Random(300, 2);
        var result = Lsqr.Solve(new DenseOperator(a, 300, 20, 300), b, options: new LsqrOptions { Tolerance = 1e-15 });
        var expected = DenseBaselines.LeastSquaresQr(m, Vector<double>.Build.Dense(b));
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.True((Vector<double>.Build.Dense(result.X) - expected).L2Norm() < 1e-11 * expected.L2Norm());
        var r = Vector<double>.Build.Dense(b) - m * expected;
        Assert.Equal(r.L2Norm(), result.ResidualNorm, 1e-10);
    }

    [Fact]
    public void Warm_start_at_the_solution_converges_immediately_and_singular_value_estimates_bracket_from_inside()
    {
        var (a, m) = Random(200, 15, 3);
        var b = TestData.Random(200, 4);
        var op = new DenseOperator(a, 200, 15, 200);
        var exact = DenseBaselines.LeastSquaresQr(m, Vector<double>.Build.Dense(b)).ToArray();
        var warm = Lsqr.Solve(op, b, exact);
        Assert.True(warm.Iterations <= 2);
        var cold = Lsqr.Solve(op, b);
        var s = Lapack.Svd(m, SvdVectors.None).S;
        Assert.InRange(cold.LargestSingularValue, s[0] * (1 - 1e-8), s[0] * (1 + 1e-12));
        Assert.InRange(cold.SmallestSingularValue, s[^1] * (1 - 1e-12), s[^1] * (1 + 1e-6));
    }

    [Theory]
    [InlineData(5000, 7)]
    [InlineData(33, 300)]
    [InlineData(1, 1)]
    public async Task Fused_pass_equals_the_two_products_and_does_not_depend_on_the_thread_count(int m, int n)
    {
        var (a, mat) = Random(m, n, m + n);
        var op = new DenseOperator(a, m, n, m);
        var x = TestData.Random(n, 1);
        var y0 = TestData.Random(m, 2);
        var y = (double[])y0.Clone();
        var z = new double[n];
        op.MultiplyThenTransposed(x, 0.7, y, z);
        var yExpected = mat * Vector<double>.Build.Dense(x) - 0.7 * Vector<double>.Build.Dense(y0);
        var zExpected = mat.TransposeThisAndMultiply(yExpected);
        Assert.True((Vector<double>.Build.Dense(y) - yExpected).InfinityNorm() < 1e-12 * Math.Max(1, yExpected.InfinityNorm()));
        Assert.True((Vector<double>.Build.Dense(z) - zExpected).InfinityNorm() < 1e-11 * Math.Max(1, zExpected.InfinityNorm()));
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, 1).ConcurrentScheduler;
        var (y1, z1) = await Task.Factory.StartNew(() =>
        {
            var yy = (double[])y0.Clone();
            var zz = new double[n];
            op.MultiplyThenTransposed(x, 0.7, yy, zz);
            return (yy, zz);
        }, CancellationToken.None, TaskCreationOptions.None, scheduler);
        Assert.Equal(y, y1);
        Assert.Equal(z, z1);
    }

    [Fact]
    public void Iteration_limit_is_reported_in_the_status()
    {
        var (a, _) = Random(100, 30, 5);
        var result = Lsqr.Solve(new DenseOperator(a, 100, 30, 100), TestData.Random(100, 6), options: new LsqrOptions { MaxIterations = 3 });
        Assert.Equal(SolverStatus.MaxIterations, result.Status);
        Assert.Equal(3, result.Iterations);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var (a, _) = Random(10, 3, 7);
        var op = new DenseOperator(a, 10, 3, 10);
        Assert.Throws<ArgumentException>("b", () => Lsqr.Solve(op, new double[9]));
        Assert.Throws<ArgumentException>("x0", () => Lsqr.Solve(op, new double[10], new double[2]));
        var b = new double[10];
        b[3] = double.NaN;
        Assert.Throws<ArgumentException>("b", () => Lsqr.Solve(op, b));
        Assert.Throws<ArgumentException>("values", () => new DenseOperator(a, 10, 4, 10));
    }
}
