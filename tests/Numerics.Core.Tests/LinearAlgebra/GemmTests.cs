using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

public class GemmTests
{
    public static TheoryData<string, int, int, int, Transpose, Transpose> Shapes()
    {
        var data = new TheoryData<string, int, int, int, Transpose, Transpose>();
        var shapes = new (int M, int N, int K)[] { (1, 1, 1), (0, 3, 2), (3, 0, 2), (4, 5, 0), (1, 17, 9), (33, 1, 5), (7, 13, 300), (130, 70, 3), (97, 101, 259), (8, 6, 1) };
        foreach (var backend in Backends.Names)
            foreach (var (m, n, k) in shapes)
                foreach (var ta in new[] { Transpose.NoTranspose, Transpose.Transpose })
                    foreach (var tb in new[] { Transpose.NoTranspose, Transpose.Transpose })
                        data.Add(backend, m, n, k, ta, tb);
        return data;
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Double_matches_naive_reference_with_padded_leading_dimensions(string backend, int m, int n, int k, Transpose ta, Transpose tb)
    {
        int aRows = ta == Transpose.NoTranspose ? m : k, aCols = ta == Transpose.NoTranspose ? k : m;
        int bRows = tb == Transpose.NoTranspose ? k : n, bCols = tb == Transpose.NoTranspose ? n : k;
        int lda = aRows + 3, ldb = bRows + 2, ldc = m + 5;
        var a = TestData.Random(lda * Math.Max(aCols, 1), 1);
        var b = TestData.Random(ldb * Math.Max(bCols, 1), 2);
        var c = TestData.Random(ldc * Math.Max(n, 1), 3);
        var before = (double[])c.Clone();

        Backends.Get(backend).Gemm(ta, tb, m, n, k, 0.75, a, lda, b, ldb, -0.5, c, ldc);

        GemmReference.AssertProduct(ta, tb, m, n, k, 0.75, a, lda, b, ldb, -0.5, before, ldc, c, GemmReference.DoubleRoundoff);
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Single_matches_double_reference(string backend, int m, int n, int k, Transpose ta, Transpose tb)
    {
        int aRows = ta == Transpose.NoTranspose ? m : k, aCols = ta == Transpose.NoTranspose ? k : m;
        int bRows = tb == Transpose.NoTranspose ? k : n, bCols = tb == Transpose.NoTranspose ? n : k;
        int lda = Math.Max(1, aRows), ldb = Math.Max(1, bRows), ldc = Math.Max(1, m);
        var a = TestData.RandomSingle(lda * Math.Max(aCols, 1), 4);
        var b = TestData.RandomSingle(ldb * Math.Max(bCols, 1), 5);
        var c = new float[ldc * Math.Max(n, 1)];

        Backends.Get(backend).Gemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);

        GemmReference.AssertProduct(ta, tb, m, n, k, 1.0, Array.ConvertAll(a, x => (double)x), lda, Array.ConvertAll(b, x => (double)x), ldb,
            0.0, new double[c.Length], ldc, Array.ConvertAll(c, x => (double)x), GemmReference.SingleRoundoff);
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Beta_zero_overwrites_NaN_in_C(string backend)
    {
        var a = TestData.Random(20 * 7, 6);
        var b = TestData.Random(7 * 9, 7);
        var c = Enumerable.Repeat(double.NaN, 20 * 9).ToArray();
        Backends.Get(backend).Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 20, 9, 7, 1.0, a, 20, b, 7, 0.0, c, 20);
        Assert.All(c, v => Assert.True(double.IsFinite(v)));
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Managed_and_backend_agree_on_a_large_product(string backend)
    {
        const int n = 300;
        var a = TestData.Random(n * n, 10);
        var b = TestData.Random(n * n, 11);
        var c = new double[n * n];
        Backends.Get(backend).Gemm(Transpose.NoTranspose, Transpose.NoTranspose, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        GemmReference.AssertProduct(Transpose.NoTranspose, Transpose.NoTranspose, n, n, n, 1.0, a, n, b, n, 0.0, new double[c.Length], n, c,
            GemmReference.DoubleRoundoff);
    }

    [Fact]
    public void Rejects_bad_shapes_naming_the_parameter_and_leaves_C_untouched()
    {
        var be = LinearAlgebraBackend.Managed;
        var a = new double[12];
        var b = new double[12];
        var c = new double[9];
        Assert.Equal("lda", Assert.Throws<ArgumentOutOfRangeException>(() => be.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 3, 3, 4, 1.0, a, 2, b, 4, 0.0, c, 3)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => be.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 3, 3, 4, 1.0, a, 3, b.AsSpan(0, 5), 4, 0.0, c, 3)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => be.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 3, 3, 4, 1.0, a, 3, b, 4, 1.0, c.AsSpan(0, 8), 3)).ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => be.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, -1, 3, 4, 1.0, a, 3, b, 4, 0.0, c, 3)).ParamName);
        Assert.All(c, v => Assert.Equal(0.0, v));
    }
}
