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
