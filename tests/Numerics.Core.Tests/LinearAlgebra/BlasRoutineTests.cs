using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

public class BlasRoutineTests
{
    private const double Tol = 1e-12; // O(n·u) for the n ≤ 40 problems below, with headroom

    public static TheoryData<string, Side, TriangularPart, Transpose, DiagonalKind> TriangularCases()
    {
        var data = new TheoryData<string, Side, TriangularPart, Transpose, DiagonalKind>();
        foreach (var be in Backends.Names)
            foreach (var side in new[] { Side.Left, Side.Right })
                foreach (var uplo in new[] { TriangularPart.Upper, TriangularPart.Lower })
                    foreach (var t in new[] { Transpose.NoTranspose, Transpose.Transpose })
                        foreach (var d in new[] { DiagonalKind.NonUnit, DiagonalKind.Unit })
                            data.Add(be, side, uplo, t, d);
        return data;
    }

    /// <summary>A well-conditioned triangular matrix stored in full with garbage in the unreferenced triangle.</summary>
    private static double[] Triangular(int n, int ld, TriangularPart uplo, int seed)
    {
        var a = TestData.Random(ld * n, seed, 0.3);
        for (int j = 0; j < n; j++) a[j + j * ld] = 2 + j % 3;
        return a;
    }

    /// <summary>The dense op(A) that a triangular routine should see, built independently.</summary>
    private static double[,] Explicit(double[] a, int n, int ld, TriangularPart uplo, Transpose t, DiagonalKind d)
    {
        var m = new double[n, n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                bool inTri = uplo == TriangularPart.Upper ? i <= j : i >= j;
                double v = i == j ? (d == DiagonalKind.Unit ? 1 : a[i + j * ld]) : inTri ? a[i + j * ld] : 0;
                if (t == Transpose.NoTranspose) m[i, j] = v; else m[j, i] = v;
            }
        return m;
    }

    [Theory, MemberData(nameof(TriangularCases))]
    public void Trsm_solution_satisfies_the_system(string backend, Side side, TriangularPart uplo, Transpose t, DiagonalKind d)
    {
        const int m = 9, n = 7, ldb = 11;
        int order = side == Side.Left ? m : n, lda = order + 2;
        var a = Triangular(order, lda, uplo, 20);
        var b0 = TestData.Random(ldb * n, 21);
        var x = (double[])b0.Clone();
        Backends.Get(backend).Trsm(side, uplo, t, d, m, n, 2.0, a, lda, x, ldb);
        var op = Explicit(a, order, lda, uplo, t, d);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                if (side == Side.Left) for (int p = 0; p < m; p++) s += op[i, p] * x[p + j * ldb];
                else for (int p = 0; p < n; p++) s += x[i + p * ldb] * op[p, j];
                Assert.True(Math.Abs(s - 2.0 * b0[i + j * ldb]) < Tol, $"residual at ({i},{j}) = {s - 2 * b0[i + j * ldb]}");
            }
    }

    public static TheoryData<string, TriangularPart, Transpose, DiagonalKind> TrmvCases()
    {
        var data = new TheoryData<string, TriangularPart, Transpose, DiagonalKind>();
        foreach (var be in Backends.Names)
            foreach (var uplo in new[] { TriangularPart.Upper, TriangularPart.Lower })
                foreach (var t in new[] { Transpose.NoTranspose, Transpose.Transpose })
                    foreach (var d in new[] { DiagonalKind.NonUnit, DiagonalKind.Unit })
                        data.Add(be, uplo, t, d);
        return data;
    }

    [Theory, MemberData(nameof(TrmvCases))]
    public void Trmv_matches_explicit_product(string backend, TriangularPart uplo, Transpose t, DiagonalKind d)
    {
        const int n = 13, lda = 15, inc = 2;
        var a = Triangular(n, lda, uplo, 22);
        var x0 = TestData.Random(n * inc, 23);
        var x = (double[])x0.Clone();
        Backends.Get(backend).Trmv(uplo, t, d, n, a, lda, x, inc);
        var op = Explicit(a, n, lda, uplo, t, d);
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int p = 0; p < n; p++) s += op[i, p] * x0[p * inc];
            Assert.True(Math.Abs(s - x[i * inc]) < Tol);
            Assert.Equal(x0[i * inc + 1], x[i * inc + 1]); // elements between strides untouched
        }
    }

    public static TheoryData<string, TriangularPart, Transpose> SyrkCases()
    {
        var data = new TheoryData<string, TriangularPart, Transpose>();
        foreach (var be in Backends.Names)
            foreach (var uplo in new[] { TriangularPart.Upper, TriangularPart.Lower })
                foreach (var t in new[] { Transpose.NoTranspose, Transpose.Transpose })
                    data.Add(be, uplo, t);
        return data;
    }

    [Theory, MemberData(nameof(SyrkCases))]
    public void Syrk_updates_only_the_requested_triangle(string backend, TriangularPart uplo, Transpose t)
    {
        const int n = 10, k = 17, ldc = 12;
        int lda = t == Transpose.NoTranspose ? n + 1 : k + 1;
        var a = TestData.Random(lda * (t == Transpose.NoTranspose ? k : n), 24);
        var c0 = TestData.Random(ldc * n, 25);
        var c = (double[])c0.Clone();
        Backends.Get(backend).Syrk(uplo, t, n, k, 1.5, a, lda, 0.5, c, ldc);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < ldc; i++)
            {
                int idx = i + j * ldc;
                bool inTri = i < n && (uplo == TriangularPart.Upper ? i <= j : i >= j);
                if (!inTri) { Assert.Equal(c0[idx], c[idx]); continue; }
                double s = 0;
                for (int p = 0; p < k; p++) s += TestData.Op(a, lda, t, i, p) * TestData.Op(a, lda, t, j, p);
                Assert.True(Math.Abs(1.5 * s + 0.5 * c0[idx] - c[idx]) < Tol);
            }
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Gemv_both_transposes_with_strides(string backend)
    {
        const int m = 23, n = 9, lda = 25;
        var a = TestData.Random(lda * n, 26);
        foreach (var t in new[] { Transpose.NoTranspose, Transpose.Transpose })
        {
            int xn = t == Transpose.NoTranspose ? n : m, yn = t == Transpose.NoTranspose ? m : n;
            var x = TestData.Random(xn * 3, 27);
            var y0 = TestData.Random(yn * 2, 28);
            var y = (double[])y0.Clone();
            Backends.Get(backend).Gemv(t, m, n, 0.5, a, lda, x, 3, -1.0, y, 2);
            for (int i = 0; i < yn; i++)
            {
                double s = 0;
                for (int p = 0; p < xn; p++) s += TestData.Op(a, lda, t, i, p) * x[p * 3];
                Assert.True(Math.Abs(0.5 * s - y0[i * 2] - y[i * 2]) < Tol);
            }
            var yf = new float[yn];
            Backends.Get(backend).Gemv(t, m, n, 1f, Array.ConvertAll(a, v => (float)v), lda, Array.ConvertAll(x, v => (float)v), 3, 0f, yf, 1);
            for (int i = 0; i < yn; i++)
            {
                double s = 0;
                for (int p = 0; p < xn; p++) s += TestData.Op(a, lda, t, i, p) * x[p * 3];
                Assert.True(Math.Abs(s - yf[i]) < 1e-5);
            }
        }
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Level1_routines_with_strides(string backend)
    {
        var be = Backends.Get(backend);
        var x = TestData.Random(30, 29);
        var y = TestData.Random(20, 30);
        double dot = 0, sq = 0;
        for (int i = 0; i < 10; i++) { dot += x[3 * i] * y[2 * i]; sq += x[3 * i] * x[3 * i]; }
        Assert.Equal(dot, be.Dot(10, x, 3, y, 2), 1e-14);
        Assert.Equal(Math.Sqrt(sq), be.Nrm2(10, x, 3), 1e-14);
        Assert.Equal((float)dot, be.Dot(10, Array.ConvertAll(x, v => (float)v), 3, Array.ConvertAll(y, v => (float)v), 2), 1e-5f);
        var y2 = (double[])y.Clone();
        be.Axpy(10, -2.0, x, 3, y2, 2);
        for (int i = 0; i < 10; i++) Assert.Equal(y[2 * i] - 2 * x[3 * i], y2[2 * i], 1e-15);
        be.Scal(10, 3.0, y2, 2);
        for (int i = 0; i < 10; i++) Assert.Equal(3 * (y[2 * i] - 2 * x[3 * i]), y2[2 * i], 1e-14);
        var yf = new float[] { 1, 2, 3 };
        be.Axpy(3, 2f, new float[] { 1, 1, 1 }, 1, yf, 1);
        be.Scal(3, 0.5f, yf, 1);
        Assert.Equal(new float[] { 1.5f, 2f, 2.5f }, yf);
        Assert.Equal(5f, be.Nrm2(2, new float[] { 3, 4 }, 1));
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Nrm2_does_not_overflow_or_underflow(string backend)
    {
        var be = Backends.Get(backend);
        Assert.Equal(5e300, be.Nrm2(2, [3e300, 4e300], 1), 1e288);
        Assert.Equal(5e-300, be.Nrm2(2, [3e-300, 4e-300], 1), 1e-312);
        Assert.Equal(0.0, be.Nrm2(0, Array.Empty<double>(), 1));
    }

    [Fact]
    public void Rejects_bad_increments_and_short_vectors()
    {
        var be = LinearAlgebraBackend.Managed;
        Assert.Equal("incX", Assert.Throws<ArgumentOutOfRangeException>(() => be.Dot(3, new double[3], 0, new double[3], 1)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => be.Axpy(3, 1.0, new double[3], 1, new double[4], 2)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => be.Gemv(Transpose.Transpose, 4, 2, 1.0, new double[8], 4, new double[2], 1, 0.0, new double[2], 1)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => be.Trsm(Side.Right, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, 2, 3, 1.0, new double[8], 3, new double[6], 2)).ParamName);
    }
}
