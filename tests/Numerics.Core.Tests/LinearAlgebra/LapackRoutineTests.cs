using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

public class LapackRoutineTests
{
    // Backward-stable factorizations reproduce A to O(max(m,n)·u·‖A‖); 1e-12 leaves a ~50× margin at these sizes.
    private const double Tol = 1e-12;

    public static TheoryData<string, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var be in Backends.Names)
            foreach (var (m, n) in new[] { (1, 1), (7, 7), (23, 5), (5, 23), (40, 17), (1, 6), (6, 1) })
                data.Add(be, m, n);
        return data;
    }

    private static double MaxAbs(double[] x) => x.Max(Math.Abs);

    [Theory, MemberData(nameof(Shapes))]
    public void Geqrf_orgqr_reconstruct_A_with_orthonormal_Q(string backend, int m, int n)
    {
        var be = Backends.Get(backend);
        int lda = m + 2, r = Math.Min(m, n);
        var a0 = TestData.Random(lda * n, 31);
        var qr = (double[])a0.Clone();
        var tau = new double[r];
        be.Geqrf(m, n, qr, lda, tau);
        AssertQrReconstructs(be, a0, qr, tau, m, n, lda, j => j);
    }

    /// <summary>QᵀQ = I (Q formed by orgqr from the reflectors) and column j of Q·R equals column column(j) of A.</summary>
    private static void AssertQrReconstructs(LinearAlgebraBackend be, double[] a0, double[] qr, double[] tau, int m, int n, int lda, Func<int, int> column)
    {
        int r = Math.Min(m, n);
        var q = new double[m * r];
        for (int j = 0; j < r; j++) Array.Copy(qr, j * lda, q, j * m, m);
        be.Orgqr(m, r, r, q, m, tau);
        for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++)
            {
                double s = 0;
                for (int p = 0; p < m; p++) s += q[p + i * m] * q[p + j * m];
                Assert.True(Math.Abs(s - (i == j ? 1 : 0)) < Tol);
            }
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p <= Math.Min(j, r - 1); p++) s += q[i + p * m] * qr[p + j * lda];
                double expected = a0[i + column(j) * lda];
                Assert.True(Math.Abs(s - expected) < Tol, $"(QR−A)[{i},{j}] = {s - expected}");
            }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Geqp3_reconstructs_A_times_P_with_a_non_increasing_diagonal(string backend, int m, int n)
    {
        var be = Backends.Get(backend);
        int lda = m + 2, r = Math.Min(m, n);
        var a0 = TestData.Random(lda * n, 32);
        if (n > 2) for (int i = 0; i < m; i++) a0[i + (n - 1) * lda] = a0[i + lda];   // a duplicated column
        var qr = (double[])a0.Clone();
        var tau = new double[r];
        var jpvt = new int[n];
        be.Geqp3(m, n, qr, lda, jpvt, tau);
        Assert.Equal(Enumerable.Range(1, n), jpvt.Order());
        for (int i = 1; i < r; i++)
            Assert.True(Math.Abs(qr[i + i * lda]) <= Math.Abs(qr[i - 1 + (i - 1) * lda]) * (1 + 1e-12), $"|r{i}{i}| grows");
        // Q·R = A·P: column j of Q·R is column jpvt[j] − 1 of A.
        AssertQrReconstructs(be, a0, qr, tau, m, n, lda, j => jpvt[j] - 1);
        // The duplicated column leaves a zero pivot at the end (to rounding) when A is tall enough.
        if (n > 2 && m >= n) Assert.True(Math.Abs(qr[n - 1 + (n - 1) * lda]) < 1e-13 * Math.Abs(qr[0]));
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Ormqr_agrees_with_explicit_Q_on_every_side_and_transpose(string backend)
    {
        var be = Backends.Get(backend);
        const int m = 12, k = 5;
        var a = TestData.Random(m * k, 32);
        var tau = new double[k];
        be.Geqrf(m, k, a, m, tau);
        // Full Q (m×m) from orgqr on a copy padded with the reflectors.
        var qFull = new double[m * m];
        Array.Copy(a, qFull, m * k);
        be.Orgqr(m, m, k, qFull, m, tau);
        foreach (var side in new[] { Side.Left, Side.Right })
            foreach (var t in new[] { Transpose.NoTranspose, Transpose.Transpose })
            {
                int rows = side == Side.Left ? m : 4, cols = side == Side.Left ? 4 : m;
                var c0 = TestData.Random(rows * cols, 33);
                var c = (double[])c0.Clone();
                be.Ormqr(side, t, rows, cols, k, a, m, tau, c, rows);
                var expected = new double[rows * cols];
                if (side == Side.Left) TestData.NaiveGemm(t, Transpose.NoTranspose, rows, cols, m, 1, qFull, m, c0, rows, 0, expected, rows);
                else TestData.NaiveGemm(Transpose.NoTranspose, t, rows, cols, m, 1, c0, rows, qFull, m, 0, expected, rows);
                for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(c[i] - expected[i]) < Tol, $"{side} {t}");
            }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Svd_recovers_planted_singular_values_and_reconstructs(string backend, int m, int n)
    {
        var be = Backends.Get(backend);
        int r = Math.Min(m, n);
        // A = U·diag(σ)·Vᵀ from orthonormal factors of random matrices, σ known.
        var u = Orthonormal(m, r, 34);
        var v = Orthonormal(n, r, 35);
        var sigma = Enumerable.Range(0, r).Select(i => Math.Pow(10, -i * 6.0 / Math.Max(1, r))).ToArray();
        var a = new double[m * n];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) for (int p = 0; p < r; p++) a[i + j * m] += u[i + p * m] * sigma[p] * v[j + p * n];
        foreach (var gesdd in new[] { true, false })
            foreach (var job in new[] { SvdVectors.None, SvdVectors.Thin, SvdVectors.Full })
            {
                var work = (double[])a.Clone();
                var s = new double[r];
                int uCols = job == SvdVectors.Full ? m : r, vtRows = job == SvdVectors.Full ? n : r;
                var uu = new double[m * uCols];
                var vt = new double[vtRows * n];
                int info = gesdd ? be.Gesdd(job, m, n, work, m, s, uu, m, vt, vtRows)
                                 : be.Gesvd(job, m, n, work, m, s, uu, m, vt, vtRows);
                Assert.Equal(0, info);
                for (int i = 0; i < r; i++) Assert.True(Math.Abs(s[i] - sigma[i]) < Tol, $"σ[{i}] = {s[i]} vs {sigma[i]}");
                if (job == SvdVectors.None) continue;
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < m; i++)
                    {
                        double x = 0;
                        for (int p = 0; p < r; p++) x += uu[i + p * m] * s[p] * vt[p + j * vtRows];
                        Assert.True(Math.Abs(x - a[i + j * m]) < Tol);
                    }
            }
    }

    private static double[] Orthonormal(int rows, int cols, int seed)
    {
        var q = TestData.Random(rows * cols, seed);
        // Modified Gram–Schmidt, twice, in the test itself (independent of the library's QR).
        for (int pass = 0; pass < 2; pass++)
            for (int j = 0; j < cols; j++)
            {
                for (int p = 0; p < j; p++)
                {
                    double d = 0;
                    for (int i = 0; i < rows; i++) d += q[i + p * rows] * q[i + j * rows];
                    for (int i = 0; i < rows; i++) q[i + j * rows] -= d * q[i + p * rows];
                }
                double nrm = Math.Sqrt(Enumerable.Range(0, rows).Sum(i => q[i + j * rows] * q[i + j * rows]));
                for (int i = 0; i < rows; i++) q[i + j * rows] /= nrm;
            }
        return q;
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Gels_tall_residual_is_orthogonal_and_wide_is_minimum_norm(string backend)
    {
        var be = Backends.Get(backend);
        // Tall: Aᵀ(b − Ax) = 0 at the least-squares solution.
        const int m = 30, n = 6;
        var a = TestData.Random(m * n, 36);
        var b = TestData.Random(m * 2, 37);
        var af = (double[])a.Clone();
        var x = (double[])b.Clone();
        Assert.Equal(0, be.Gels(m, n, 2, af, m, x, m));
        for (int c = 0; c < 2; c++)
            for (int j = 0; j < n; j++)
            {
                double g = 0;
                for (int i = 0; i < m; i++)
                {
                    double r = b[i + c * m];
                    for (int p = 0; p < n; p++) r -= a[i + p * m] * x[p + c * m];
                    g += a[i + j * m] * r;
                }
                Assert.True(Math.Abs(g) < Tol);
            }
        // Wide: Ax = b exactly and x ∈ range(Aᵀ) (minimum norm) ⇔ x = Aᵀy; check via x ⟂ null(A) using the full QR of Aᵀ.
        var w = TestData.Random(n * m, 38); // n×m, wide
        var rhs = new double[m];
        TestData.Random(n, 39).CopyTo(rhs, 0);
        var wf = (double[])w.Clone();
        Assert.Equal(0, be.Gels(n, m, 1, wf, n, rhs, m));
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int p = 0; p < m; p++) s += w[i + p * n] * rhs[p];
            Assert.True(Math.Abs(s - TestData.Random(n, 39)[i]) < Tol);
        }
        var pinv = DenseBaselines.PseudoInverse(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, m, w));
        var expected = pinv * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(TestData.Random(n, 39));
        for (int p = 0; p < m; p++) Assert.True(Math.Abs(expected[p] - rhs[p]) < Tol);
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Gels_reports_exact_rank_deficiency(string backend)
    {
        var a = new double[] { 1, 2, 3, 0, 0, 0 }; // 3×2 with a zero column: R[1,1] is exactly 0
        var b = new double[] { 1, 2, 3 };
        Assert.Equal(2, Backends.Get(backend).Gels(3, 2, 1, a, 3, b, 3));
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Potrf_potrs_solve_SPD_systems_and_detect_indefinite(string backend)
    {
        var be = Backends.Get(backend);
        const int n = 8;
        var g = TestData.Random(n * n, 40);
        var spd = new double[n * n];
        TestData.NaiveGemm(Transpose.Transpose, Transpose.NoTranspose, n, n, n, 1, g, n, g, n, 0, spd, n);
        for (int i = 0; i < n; i++) spd[i + i * n] += n;
        var b = TestData.Random(n * 3, 41);
        foreach (var uplo in new[] { TriangularPart.Lower, TriangularPart.Upper })
        {
            var f = (double[])spd.Clone();
            Assert.Equal(0, be.Potrf(uplo, n, f, n));
            var x = (double[])b.Clone();
            be.Potrs(uplo, n, 3, f, n, x, n);
            var ax = new double[n * 3];
            TestData.NaiveGemm(Transpose.NoTranspose, Transpose.NoTranspose, n, 3, n, 1, spd, n, x, n, 0, ax, n);
            for (int i = 0; i < ax.Length; i++) Assert.True(Math.Abs(ax[i] - b[i]) < Tol);
        }
        var indefinite = new double[] { 1, 2, 2, 1 };
        Assert.Equal(2, be.Potrf(TriangularPart.Lower, 2, indefinite, 2));
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Syevd_gives_ascending_eigenpairs(string backend)
    {
        var be = Backends.Get(backend);
        const int n = 9;
        var g = TestData.Random(n * n, 42);
        var s = new double[n * n];
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) s[i + j * n] = g[i + j * n] + g[j + i * n];
        var v = (double[])s.Clone();
        var w = new double[n];
        Assert.Equal(0, be.Syevd(true, TriangularPart.Upper, n, v, n, w));
        for (int i = 1; i < n; i++) Assert.True(w[i - 1] <= w[i]);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int p = 0; p < n; p++) av += s[i + p * n] * v[p + k * n];
                Assert.True(Math.Abs(av - w[k] * v[i + k * n]) < Tol);
            }
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Getrf_getrs_solve_both_transposes_and_flag_singular(string backend)
    {
        var be = Backends.Get(backend);
        const int n = 10;
        var a = TestData.Random(n * n, 43);
        var lu = (double[])a.Clone();
        var piv = new int[n];
        Assert.Equal(0, be.Getrf(n, n, lu, n, piv));
        foreach (var t in new[] { Transpose.NoTranspose, Transpose.Transpose })
        {
            var b = TestData.Random(n * 2, 44);
            var x = (double[])b.Clone();
            be.Getrs(t, n, 2, lu, n, piv, x, n);
            var ax = new double[n * 2];
            TestData.NaiveGemm(t, Transpose.NoTranspose, n, 2, n, 1, a, n, x, n, 0, ax, n);
            for (int i = 0; i < ax.Length; i++) Assert.True(Math.Abs(ax[i] - b[i]) < 1e-11);
        }
        var singular = new double[] { 1, 2, 2, 4 };
        Assert.Equal(2, be.Getrf(2, 2, singular, 2, new int[2]));
    }

    [Fact]
    public void Lapack_entry_points_reject_bad_arguments()
    {
        var be = LinearAlgebraBackend.Managed;
        Assert.Equal("tau", Assert.Throws<ArgumentException>(() => be.Geqrf(4, 3, new double[12], 4, new double[2])).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => be.Orgqr(3, 4, 2, new double[12], 3, new double[2])).ParamName);
        Assert.Equal("vt", Assert.Throws<ArgumentException>(() => be.Gesdd(SvdVectors.Full, 3, 4, new double[12], 3, new double[3], new double[9], 3, new double[12], 4)).ParamName);
        Assert.Equal("ipiv", Assert.Throws<ArgumentException>(() => be.Getrs(Transpose.NoTranspose, 2, 1, new double[4], 2, new[] { 3, 1 }, new double[2], 2)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => be.Gels(2, 4, 1, new double[8], 2, new double[3], 4)).ParamName);
    }
}
