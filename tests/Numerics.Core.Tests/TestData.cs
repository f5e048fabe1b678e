using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests;

/// <summary>Seeded random inputs and naive reference kernels that share no code with the library.</summary>
internal static class TestData
{
    public static double[] Random(int length, int seed, double scale = 1.0)
    {
        var rng = new System.Random(seed);
        var v = new double[length];
        for (int i = 0; i < v.Length; i++) v[i] = scale * (2 * rng.NextDouble() - 1);
        return v;
    }

    public static float[] RandomSingle(int length, int seed)
    {
        var d = Random(length, seed);
        return Array.ConvertAll(d, x => (float)x);
    }

    /// <summary>Element (i, j) of op(A) for column-major A with leading dimension ld.</summary>
    public static double Op(double[] a, int ld, Transpose t, int i, int j) =>
        t == Transpose.NoTranspose ? a[i + j * ld] : a[j + i * ld];

    /// <summary>Triple-loop α·op(A)·op(B) + β·C with a compensated-free but exact-order-agnostic sum.</summary>
    public static void NaiveGemm(Transpose ta, Transpose tb, int m, int n, int k, double alpha, double[] a, int lda,
        double[] b, int ldb, double beta, double[] c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += Op(a, lda, ta, i, p) * Op(b, ldb, tb, p, j);
                c[i + j * ldc] = beta == 0 ? alpha * s : alpha * s + beta * c[i + j * ldc];
            }
    }
}

/// <summary>The backends available in this process, as theory data: managed always, native when loadable.</summary>
public static class Backends
{
    public static IEnumerable<string> Names =>
        LinearAlgebraBackend.Native is null ? ["managed"] : ["managed", "native"];

    public static TheoryData<string> All => new(Names);

    public static LinearAlgebraBackend Get(string name) => name switch
    {
        "managed" => LinearAlgebraBackend.Managed,
        "native" => LinearAlgebraBackend.Native ?? throw new InvalidOperationException("no native backend"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
