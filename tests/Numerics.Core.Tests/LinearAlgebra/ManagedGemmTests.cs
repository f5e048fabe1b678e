using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

/// <summary>
/// The managed GEMM on every kernel this machine runs: shapes that cross its blocking (KC = 256,
/// MC = 192 fp64 / 384 fp32, NC = 2048), ragged edges, padded leading dimensions, every transpose,
/// α/β including β = 0 over NaN, against <see cref="GemmReference"/>; and bit-identical results for
/// any thread count and either kernel.
/// </summary>
public class ManagedGemmTests
{
    /// <summary>The AVX2 kernel always (pinned, so an AVX-512 machine tests it too), the AVX-512 one where it runs in hardware.</summary>
    private static readonly ManagedGemmKernel[] Kernels =
        [.. new[] { ManagedGemmKernel.Vector256, ManagedGemmKernel.Vector512 }.Where(ManagedGemmKernels.IsAccelerated)];

    private static readonly Transpose[] BothWays = [Transpose.NoTranspose, Transpose.Transpose];

    public static TheoryData<int, int, int, Transpose, Transpose> BlockingShapes()
    {
        var shapes = new (int M, int N, int K)[]
        {
            (400, 30, 300),  // m beyond MC in both precisions, k beyond KC, both ragged
            (70, 40, 600),   // three KC blocks, the last ragged
            (30, 2100, 20),  // n beyond NC
            (97, 101, 259),  // ragged in every dimension
            (23, 9, 5),      // smaller than one fp64 Vector512 tile
            (130, 70, 3),
            (1, 37, 300),    // vector shapes: gemv
            (45, 1, 300),
            (50, 20, 1),     // outer product
        };
        var data = new TheoryData<int, int, int, Transpose, Transpose>();
        foreach (var (m, n, k) in shapes)
            foreach (var ta in BothWays)
                foreach (var tb in BothWays)
                    data.Add(m, n, k, ta, tb);
        return data;
    }

    [Theory, MemberData(nameof(BlockingShapes))]
    public void Double_is_within_the_componentwise_bound_on_every_kernel(int m, int n, int k, Transpose ta, Transpose tb)
    {
        var (aRows, aCols) = GemmReference.Stored(ta, m, k);
        var (bRows, bCols) = GemmReference.Stored(tb, k, n);
        int lda = aRows + 3, ldb = bRows + 2, ldc = m + 5;
        var a = TestData.Random(lda * aCols, 1 + m);
        var b = TestData.Random(ldb * bCols, 2 + n);
        foreach (var (alpha, beta) in new[] { (0.75, -0.5), (-1.0, 0.0) })
        {
            var before = beta == 0 ? Enumerable.Repeat(double.NaN, ldc * n).ToArray() : TestData.Random(ldc * n, 3 + k);
            var reference = GemmReference.Compute(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, before, ldc, GemmReference.DoubleRoundoff);
            foreach (var kernel in Kernels)
            {
                var c = (double[])before.Clone();
                new ManagedBackend(kernel).Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                GemmReference.AssertWithin(reference, m, n, before, ldc, c, $"{kernel}, α={alpha}, β={beta}");
            }
        }
    }

    [Theory, MemberData(nameof(BlockingShapes))]
    public void Single_is_within_the_componentwise_bound_on_every_kernel(int m, int n, int k, Transpose ta, Transpose tb)
    {
        var (aRows, aCols) = GemmReference.Stored(ta, m, k);
        var (bRows, bCols) = GemmReference.Stored(tb, k, n);
        int lda = aRows + 1, ldb = bRows + 4, ldc = m + 2;
        var a = TestData.RandomSingle(lda * aCols, 4 + m);
        var b = TestData.RandomSingle(ldb * bCols, 5 + n);
        foreach (var (alpha, beta) in new[] { (1.5f, 0.25f), (1f, 0f) })
        {
            var before = beta == 0 ? Enumerable.Repeat(float.NaN, ldc * n).ToArray() : TestData.RandomSingle(ldc * n, 6 + k);
            var reference = GemmReference.Compute(ta, tb, m, n, k, alpha, Widen(a), lda, Widen(b), ldb, beta, Widen(before), ldc,
                GemmReference.SingleRoundoff);
            foreach (var kernel in Kernels)
            {
                var c = (float[])before.Clone();
                new ManagedBackend(kernel).Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                GemmReference.AssertWithin(reference, m, n, Widen(before), ldc, Widen(c), $"{kernel}, α={alpha}, β={beta}");
            }
        }
    }

    private static double[] Widen(float[] x) => Array.ConvertAll(x, v => (double)v);

    public static TheoryData<int, int, int, Transpose, Transpose> PartitionShapes() => new()
    {
        { 301, 257, 300, Transpose.NoTranspose, Transpose.Transpose }, // square-ish: split over columns
        { 1000, 40, 300, Transpose.Transpose, Transpose.NoTranspose }, // tall: split over rows
        { 40, 1000, 300, Transpose.NoTranspose, Transpose.NoTranspose }, // wide, A read in place
        { 130, 128, 128, Transpose.Transpose, Transpose.Transpose },
    };

    [Theory, MemberData(nameof(PartitionShapes))]
    public void Result_bits_depend_on_neither_the_thread_count_nor_the_kernel(int m, int n, int k, Transpose ta, Transpose tb)
    {
        var (aRows, aCols) = GemmReference.Stored(ta, m, k);
        var (bRows, bCols) = GemmReference.Stored(tb, k, n);
        var a = TestData.Random(aRows * aCols, 8);
        var b = TestData.Random(bRows * bCols, 9);
        var af = Array.ConvertAll(a, v => (float)v);
        var bf = Array.ConvertAll(b, v => (float)v);
        var c0 = TestData.Random(m * n, 10);
        var c0f = Array.ConvertAll(c0, v => (float)v);
        (double[], float[]) Run(ManagedGemmKernel kernel, int threads)
        {
            var backend = new ManagedBackend(kernel) { Threads = threads };
            var c = (double[])c0.Clone();
            var cf = (float[])c0f.Clone();
            backend.Gemm(ta, tb, m, n, k, 0.75, a, aRows, b, bRows, -1.25, c, m);
            backend.Gemm(ta, tb, m, n, k, 0.75f, af, aRows, bf, bRows, -1.25f, cf, m);
            return (c, cf);
        }
        var (expected, expectedSingle) = Run(Kernels[0], 1);
        foreach (var kernel in Kernels)
            foreach (int threads in new[] { 1, 2, 3, 5 })
            {
                var (c, cf) = Run(kernel, threads);
                Assert.True(expected.AsSpan().SequenceEqual(c), $"fp64 bits differ: {kernel}, {threads} threads");
                Assert.True(expectedSingle.AsSpan().SequenceEqual(cf), $"fp32 bits differ: {kernel}, {threads} threads");
            }
    }

    [Theory]
    [InlineData(1000, 40, 2, 2, 1)]  // tall: rows
    [InlineData(40, 1000, 2, 1, 2)]  // wide: columns
    [InlineData(2048, 2048, 4, 2, 2)] // square on four workers: a 2×2 grid packs least
    [InlineData(20, 1000, 4, 1, 4)]  // one tile row: columns only
    public void Workers_split_C_along_its_long_side(int m, int n, int workers, int rowParts, int colParts)
    {
        Assert.Equal((rowParts, colParts), ManagedGemm.Grid(m, n, workers, 24, 8));
    }

    [Theory]
    [InlineData(5, 1, 4)]    // n = 1: gemv with A
    [InlineData(1, 6, 4)]    // m = 1: gemv with B
    [InlineData(50, 20, 1)]  // k = 1: outer product
    [InlineData(5, 2, 4)]    // the blocked path
    public void An_infinity_meeting_a_zero_gives_NaN_on_every_path(int m, int n, int k)
    {
        // Column 0 of A is +∞ and row 0 of B is 0: every C[i, j] involves ∞·0 = NaN, as in BLAS.
        var a = new double[m * k];
        var b = new double[k * n];
        for (int i = 0; i < m; i++) a[i] = double.PositiveInfinity;
        for (int i = m; i < a.Length; i++) a[i] = 1;
        for (int j = 0; j < n; j++)
            for (int p = 1; p < k; p++) b[p + j * k] = 1;
        var c = new double[m * n];
        foreach (var kernel in Kernels)
        {
            ManagedGemm.Multiply(Transpose.NoTranspose, Transpose.NoTranspose, m, n, k, 1.0, a, m, b, k, 0.0, c, m, 1, kernel);
            Assert.All(c, v => Assert.True(double.IsNaN(v), $"{kernel} {m}×{n}×{k}: {v}"));
        }
    }
}
