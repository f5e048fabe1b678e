using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

public class DenseBaselineTests
{
    private const double Tol = 1e-11; // κ ≤ 1e3 problems: errors O(κ·n·u)

    private static Matrix<double> RandomMatrix(int m, int n, int seed) => Matrix<double>.Build.Dense(m, n, TestData.Random(m * n, seed));

    [Fact]
    public void Pseudo_inverse_satisfies_the_Penrose_conditions_on_a_rank_deficient_matrix()
    {
        var a = RandomMatrix(9, 3, 50) * RandomMatrix(3, 6, 51); // 9×6, rank 3
        var p = DenseBaselines.PseudoInverse(a);
        Assert.True((a * p * a - a).FrobeniusNorm() < Tol);
        Assert.True((p * a * p - p).FrobeniusNorm() < Tol);
        Assert.True((a * p - (a * p).Transpose()).FrobeniusNorm() < Tol);
        Assert.True((p * a - (p * a).Transpose()).FrobeniusNorm() < Tol);
    }

    [Fact]
    public void Least_squares_by_SVD_and_QR_agree_on_full_rank_and_SVD_is_minimum_norm_on_deficient()
    {
        var a = RandomMatrix(20, 5, 52);
        var b = Vector<double>.Build.Dense(TestData.Random(20, 53));
        var xs = DenseBaselines.LeastSquaresSvd(a, b);
        var xq = DenseBaselines.LeastSquaresQr(a, b);
        Assert.True((xs - xq).L2Norm() < Tol);
        Assert.True((a.Transpose() * (b - a * xs)).L2Norm() < Tol);

        var d = RandomMatrix(20, 2, 54) * RandomMatrix(2, 5, 55);
        var xd = DenseBaselines.LeastSquaresSvd(d, b);
        Assert.True((xd - DenseBaselines.PseudoInverse(d) * b).L2Norm() < Tol);
        Assert.True((d.Transpose() * (b - d * xd)).L2Norm() < Tol);
    }

    [Fact]
    public void Matrix_function_norm_and_condition_number_match_closed_forms()
    {
        var q1 = Lapack.Qr(RandomMatrix(6, 4, 56)).Q;
        var q2 = Lapack.Qr(RandomMatrix(4, 4, 57)).Q;
        var sigma = new[] { 100.0, 10.0, 1.0, 0.1 };
        var a = q1 * Matrix<double>.Build.DenseOfDiagonalArray(sigma) * q2.Transpose();
        Assert.Equal(100.0, DenseBaselines.SpectralNorm(a), 1e-12);
        Assert.Equal(1000.0, DenseBaselines.ConditionNumber(a), 1e-8);
        Assert.True((DenseBaselines.MatrixFunction(a, s => s) - a).FrobeniusNorm() < Tol);
        var polar = DenseBaselines.MatrixFunction(a, _ => 1.0);
        Assert.True((polar - q1 * q2.Transpose()).FrobeniusNorm() < Tol);
        var clipped = DenseBaselines.MatrixFunction(a, s => Math.Min(s, 5.0));
        Assert.Equal(5.0, DenseBaselines.SpectralNorm(clipped), 1e-12);
        Assert.Equal(double.PositiveInfinity, DenseBaselines.ConditionNumber(Matrix<double>.Build.Dense(3, 3)));
    }

    [Fact]
    public void Facades_reject_NaN_empty_and_mismatched_input()
    {
        var nan = Matrix<double>.Build.Dense(2, 2, double.NaN);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => DenseBaselines.SpectralNorm(nan)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Lapack.Svd(Matrix<double>.Build.Dense(0, 3))).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => DenseBaselines.LeastSquaresSvd(RandomMatrix(4, 2, 1), Vector<double>.Build.Dense(3))).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Blas.Multiply(RandomMatrix(4, 2, 1), RandomMatrix(3, 2, 2))).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Lapack.Cholesky(Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2 }, { 2, 1 } }))).ParamName);
        Assert.Equal("relativeCutoff", Assert.Throws<ArgumentOutOfRangeException>(() => DenseBaselines.PseudoInverse(RandomMatrix(3, 3, 3), -1)).ParamName);
    }

    [Fact]
    public void Matrix_facades_match_MathNet()
    {
        var a = RandomMatrix(7, 5, 60);
        var b = RandomMatrix(7, 3, 61);
        Assert.True((Blas.Multiply(a, b, Transpose.Transpose) - a.Transpose() * b).FrobeniusNorm() < 1e-13);
        var af = a.Map(x => (float)x);
        var bf = b.Map(x => (float)x);
        Assert.True((Blas.Multiply(af, bf, Transpose.Transpose) - af.Transpose() * bf).FrobeniusNorm() < 1e-5);
        var spd = a.Transpose() * a + Matrix<double>.Build.DenseIdentity(5);
        var l = Lapack.Cholesky(spd);
        Assert.True((l * l.Transpose() - spd).FrobeniusNorm() < 1e-12);
        var x = Lapack.Solve(spd, RandomMatrix(5, 2, 62));
        Assert.True((spd * x - RandomMatrix(5, 2, 62)).FrobeniusNorm() < 1e-12);
        var eig = Lapack.SymmetricEigen(spd);
        Assert.True((spd * eig.Vectors! - eig.Vectors! * Matrix<double>.Build.DenseOfDiagonalVector(eig.Values)).FrobeniusNorm() < 1e-12);
    }
}
