using Numerics.Arithmetic;
using Numerics.LinearAlgebra;

namespace Numerics.Testing;

/// <summary>
/// The contract of <see cref="IMatrixArithmetic{TMatrix}"/>, written once and instantiated per
/// storage (host managed, host native, float and double, device matrices and batches). Every
/// result is compared with a naive double loop on the values the backend actually holds.
/// </summary>
public abstract class MatrixArithmeticSuite<TMatrix>
{
    /// <summary>The storage under test.</summary>
    protected abstract MatrixBackend<TMatrix> Backend { get; }

    private IMatrixArithmetic<TMatrix> Ops => Backend.Ops;

    public static TheoryData<int> Lengths => new(1, 3, 64, 257);

    private static double[] Random(int n, int seed, double scale = 1.0)
    {
        var rng = new System.Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * (2 * rng.NextDouble() - 1);
        return v;
    }

    /// <summary>Uploads and downloads, so the reference sees the values after rounding to the element type.</summary>
    private (TMatrix Handle, double[] Values) Make(int rows, int cols, int seed, double scale = 1.0)
    {
        var m = Backend.Upload(rows, cols, Random(rows * cols, seed, scale));
        return (m, Backend.Download(m));
    }

    private void Elementwise(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Abs(expected[i]) + double.Epsilon,
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Axpby_matches_the_formula_and_beta_zero_ignores_nan(int n)
    {
        var (x, xv) = Make(n, 1, 1);
        var (y, yv) = Make(n, 1, 2);
        Ops.Axpby(0.75, x, -1.5, y);
        // One rounding of each product and of the sum (FMA or not): 3u relative to |αx| + |βy|.
        var got = Backend.Download(y);
        for (int i = 0; i < n; i++)
        {
            double e = 0.75 * xv[i] - 1.5 * yv[i];
            Assert.True(Math.Abs(got[i] - e) <= 3 * Backend.UnitRoundoff * (Math.Abs(0.75 * xv[i]) + Math.Abs(1.5 * yv[i])), $"element {i}");
        }
        var nan = Backend.Upload(n, 1, Enumerable.Repeat(double.NaN, n).ToArray());
        Ops.Axpby(2.0, x, 0.0, nan);
        Elementwise(xv.Select(v => 2 * v).ToArray(), Backend.Download(nan), 0);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Scale_fill_and_copy(int n)
    {
        var (x, xv) = Make(n, 1, 3);
        Ops.Scale(-2.0, x);
        Elementwise(xv.Select(v => -2 * v).ToArray(), Backend.Download(x), 0);      // ×2 is exact
        var y = Ops.Create(n);
        Ops.Copy(x, y);
        Assert.Equal(Backend.Download(x), Backend.Download(y));
        Ops.Fill(y, 0.5);
        Assert.All(Backend.Download(y), v => Assert.Equal(0.5, v));
        Assert.Equal(n, Ops.Length(y));
        Ops.Release(y);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Dot_norm_and_max_abs_match_double_loops(int n)
    {
        var (x, xv) = Make(n, 1, 4);
        var (y, yv) = Make(n, 1, 5);
        double dot = 0, sq = 0, abs = 0, max = 0, l1 = 0;
        for (int i = 0; i < n; i++) { dot += xv[i] * yv[i]; abs += Math.Abs(xv[i] * yv[i]); sq += xv[i] * xv[i]; max = Math.Max(max, Math.Abs(xv[i])); l1 += Math.Abs(xv[i]); }
        // Accumulated in double whatever the element type (products of floats are exact in double).
        Assert.True(Math.Abs(Ops.Dot(x, y) - dot) <= Tolerances.Reduction * abs);
        Assert.True(Math.Abs(Ops.Norm(x) - Math.Sqrt(sq)) <= Tolerances.Reduction * Math.Sqrt(sq));
        Assert.Equal(max, Ops.MaxAbs(x));
        Assert.True(Math.Abs(Ops.SumOfMagnitudes(x) - l1) <= Tolerances.Reduction * l1);
    }

    [Fact]
    public void Norm_neither_overflows_nor_underflows()
    {
        // 1e30 squared overflows float and 1e-30 squared underflows it; the double backends get
        // 1e200 / 1e-200 through the same scaled path.
        double big = Backend.UnitRoundoff < 1e-10 ? 1e200 : 1e30, small = 1 / big;
        foreach (double scale in new[] { big, small })
        {
            var x = Backend.Upload(4, 1, [3 * scale, -4 * scale, 0, 0]);
            double got = Ops.Norm(x);
            Assert.True(Math.Abs(got - 5 * scale) <= 4 * Backend.UnitRoundoff * 5 * scale, $"scale {scale}: {got}");
        }
    }

    [Fact]
    public void Max_abs_propagates_nan_and_infinity()
    {
        var x = Backend.Upload(5, 1, [1, 2, double.NaN, -3, 0]);
        Assert.True(double.IsNaN(Ops.MaxAbs(x)));
        Assert.True(double.IsNaN(Ops.SumOfMagnitudes(x)));
        Assert.True(double.IsNaN(Ops.Norm(x)));
        Assert.True(Ops.HasNonFinite(x));
        var y = Backend.Upload(3, 1, [1, double.NegativeInfinity, 2]);
        Assert.Equal(double.PositiveInfinity, Ops.MaxAbs(y));
        Assert.False(Ops.HasNonFinite(Backend.Upload(2, 1, [1, -2])));
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Map_runs_unary_and_binary_operator_structs(int n)
    {
        var (x, xv) = Make(n, 1, 6);
        var (y, yv) = Make(n, 1, 7);
        var r = Ops.Create(n);
        Ops.Map(new SoftThresholdOperator(0.25), x, r);
        Elementwise(xv.Select(v => Math.Sign(v) * Math.Max(Math.Abs(v) - 0.25, 0)).ToArray(), Backend.Download(r), 2 * Backend.UnitRoundoff);
        Ops.Map(new AbsOperator(), x, x);                            // in place
        Elementwise(xv.Select(Math.Abs).ToArray(), Backend.Download(x), 0);
        Ops.Map(new MultiplyOperator(), x, y, r);
        Elementwise(xv.Zip(yv, (a, b) => Math.Abs(a) * b).ToArray(), Backend.Download(r), Backend.UnitRoundoff);
    }

    [Fact]
    public void Soft_threshold_keeps_nan_visible()
    {
        var x = Backend.Upload(3, 1, [double.NaN, 0.1, -2]);
        var r = Ops.Create(3);
        Ops.Map(new SoftThresholdOperator(0.5), x, r);
        var got = Backend.Download(r);
        Assert.True(double.IsNaN(got[0]));
        Assert.Equal(0.0, got[1]);
        Assert.Equal(-1.5, got[2]);
    }

    [Theory]
    [InlineData(Transpose.NoTranspose, Transpose.NoTranspose, 7, 5, 9)]
    [InlineData(Transpose.Transpose, Transpose.NoTranspose, 33, 17, 65)]
    [InlineData(Transpose.NoTranspose, Transpose.Transpose, 1, 70, 3)]
    [InlineData(Transpose.Transpose, Transpose.Transpose, 66, 66, 66)]
    public void Gemm_matches_a_triple_loop(Transpose ta, Transpose tb, int m, int n, int k)
    {
        var (a, av) = ta == Transpose.NoTranspose ? Make(m, k, 8) : Make(k, m, 8);
        var (b, bv) = tb == Transpose.NoTranspose ? Make(k, n, 9) : Make(n, k, 9);
        var (c, cv) = Make(m, n, 10);
        Ops.Gemm(ta, tb, 1.25, a, b, -0.5, c);
        var got = Backend.Download(c);
        int lda = ta == Transpose.NoTranspose ? m : k, ldb = tb == Transpose.NoTranspose ? k : n;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0, bound = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = ta == Transpose.NoTranspose ? av[i + p * lda] : av[p + i * lda];
                    double y = tb == Transpose.NoTranspose ? bv[p + j * ldb] : bv[j + p * ldb];
                    s += x * y;
                    bound += Math.Abs(x * y);
                }
                double e = 1.25 * s - 0.5 * cv[i + j * m];
                // Higham's γ_{k+2} bound on |α|Σ|a||b| + |β||c| (any summation order).
                double tol = (k + 2) * Backend.UnitRoundoff * 1.01 * (1.25 * bound + 0.5 * Math.Abs(cv[i + j * m]));
                Assert.True(Math.Abs(got[i + j * m] - e) <= tol, $"C[{i},{j}]: expected {e:R}, got {got[i + j * m]:R}");
            }
    }

    [Theory]
    [InlineData(false, 1, 4)]
    [InlineData(false, 7, 20)]
    [InlineData(true, 33, 65)]
    [InlineData(true, 66, 3)]
    public void Symmetric_rank_k_is_the_full_exactly_symmetric_gram_matrix(bool transpose, int n, int k)
    {
        var (a, av) = transpose ? Make(k, n, 11) : Make(n, k, 11);
        var (c, _) = Make(n, n, 12);
        Ops.SymmetricRankK(0.75, a, transpose, c);
        var got = Backend.Download(c);
        int lda = transpose ? k : n;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                double s = 0, bound = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transpose ? av[p + i * lda] : av[i + p * lda];
                    double y = transpose ? av[p + j * lda] : av[j + p * lda];
                    s += x * y;
                    bound += Math.Abs(x * y);
                }
                // Higham's γ_{k+1} bound, as for the GEMM above.
                double tol = (k + 1) * Backend.UnitRoundoff * 1.01 * 0.75 * bound;
                Assert.True(Math.Abs(got[i + j * n] - 0.75 * s) <= tol, $"C[{i},{j}]: expected {0.75 * s:R}, got {got[i + j * n]:R}");
                Assert.Equal(got[j + i * n], got[i + j * n]);
            }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 3)]
    [InlineData(40, 70)]
    public void Row_and_column_sums_diagonal_and_identity(int rows, int cols)
    {
        var (m, mv) = Make(rows, cols, 11);
        var rs = Ops.Create(rows);
        var cs = Ops.Create(cols);
        Ops.RowSums(m, rs);
        Ops.ColumnSums(m, cs);
        var rowExpected = new double[rows];
        var colExpected = new double[cols];
        var rowAbs = new double[rows];
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
            {
                rowExpected[i] += mv[i + j * rows];
                colExpected[j] += mv[i + j * rows];
                rowAbs[i] += Math.Abs(mv[i + j * rows]);
            }
        // Sums accumulate in double and round once to the element type.
        Elementwise(rowExpected, Backend.Download(rs), Backend.UnitRoundoff + Tolerances.Reduction);
        Elementwise(colExpected, Backend.Download(cs), Backend.UnitRoundoff + Tolerances.Reduction);
        Assert.True(Math.Abs(Ops.MaxAbsRowSum(m) - rowAbs.Max()) <= (Backend.UnitRoundoff + Tolerances.Reduction) * rowAbs.Max());

        Ops.AddToDiagonal(m, 2.0);
        var shifted = Backend.Download(m);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
            {
                double e = mv[i + j * rows] + (i == j ? 2.0 : 0.0);
                Assert.True(Math.Abs(shifted[i + j * rows] - e) <= Backend.UnitRoundoff * Math.Abs(e));
            }
        Ops.SetIdentity(m, 3.0);
        var id = Backend.Download(m);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) Assert.Equal(i == j ? 3.0 : 0.0, id[i + j * rows]);
        Ops.SetIdentity(m, 1.0);
        Ops.AddToDiagonal(m, 0.5);
        // ‖(1.5 − 1)·I‖_F over the min(rows, cols) diagonal.
        Assert.True(Math.Abs(Ops.DistanceToIdentity(m) - 0.5 * Math.Sqrt(Math.Min(rows, cols))) <= 4 * Backend.UnitRoundoff);
    }
}
