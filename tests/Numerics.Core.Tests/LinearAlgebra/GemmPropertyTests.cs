using CsCheck;
using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

public class GemmPropertyTests
{
    [Fact]
    public void Managed_gemm_is_within_the_componentwise_bound_for_random_shapes_strides_and_transposes()
    {
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 40], Gen.Bool, Gen.Bool, Gen.Int[0, 3])
            .Sample(t =>
            {
                var (m, n, k, transA, transB, pad) = t;
                var ta = transA ? Transpose.Transpose : Transpose.NoTranspose;
                var tb = transB ? Transpose.Transpose : Transpose.NoTranspose;
                int ar = transA ? k : m, ac = transA ? m : k, br = transB ? n : k, bc = transB ? k : n;
                int lda = Math.Max(1, ar) + pad, ldb = Math.Max(1, br) + pad, ldc = Math.Max(1, m) + pad;
                var a = TestData.Random(lda * Math.Max(1, ac), m * 7 + k);
                var b = TestData.Random(ldb * Math.Max(1, bc), n * 5 + k);
                var c = TestData.Random(ldc * Math.Max(1, n), m + n);
                var before = (double[])c.Clone();
                LinearAlgebraBackend.Managed.Gemm(ta, tb, m, n, k, -1.25, a, lda, b, ldb, 2.0, c, ldc);
                GemmReference.AssertProduct(ta, tb, m, n, k, -1.25, a, lda, b, ldb, 2.0, before, ldc, c, GemmReference.DoubleRoundoff);
            }, iter: 300);
    }
}
