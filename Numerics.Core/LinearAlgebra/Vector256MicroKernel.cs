using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Numerics.LinearAlgebra;

/// <summary>The AVX2 tile: MR = two <see cref="Vector256{T}"/> (8 doubles, 16 floats) by NR = 6.</summary>
/// <remarks>
/// 12 accumulators, two A vectors and a broadcast of B: 15 of the 16 ymm registers AVX2 has, the
/// 8×6 shape BLIS and OpenBLAS use on Haswell-class cores.
/// </remarks>
internal readonly unsafe struct Vector256MicroKernel<T> : IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 2 * Vector256<T>.Count;

    public static int Columns => 6;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint aStep, T* b, T alpha, T beta, T* c, nint ldc)
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> a0 = Vector256.Load(a), a1 = Vector256.Load(a + w);
            Vector256<T> bj = Vector256.Create(b[0]);
            c00 = Fma(a0, bj, c00); c01 = Fma(a1, bj, c01);
            bj = Vector256.Create(b[1]);
            c10 = Fma(a0, bj, c10); c11 = Fma(a1, bj, c11);
            bj = Vector256.Create(b[2]);
            c20 = Fma(a0, bj, c20); c21 = Fma(a1, bj, c21);
            bj = Vector256.Create(b[3]);
            c30 = Fma(a0, bj, c30); c31 = Fma(a1, bj, c31);
            bj = Vector256.Create(b[4]);
            c40 = Fma(a0, bj, c40); c41 = Fma(a1, bj, c41);
            bj = Vector256.Create(b[5]);
            c50 = Fma(a0, bj, c50); c51 = Fma(a1, bj, c51);
            a += aStep;
            b += 6;
        }
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        bool overwrite = beta == T.Zero;
        Store(c, w, va, vb, overwrite, c00, c01); c += ldc;
        Store(c, w, va, vb, overwrite, c10, c11); c += ldc;
        Store(c, w, va, vb, overwrite, c20, c21); c += ldc;
        Store(c, w, va, vb, overwrite, c30, c31); c += ldc;
        Store(c, w, va, vb, overwrite, c40, c41); c += ldc;
        Store(c, w, va, vb, overwrite, c50, c51);
    }

    /// <summary>One column of the tile: α·acc, plus β·c unless β = 0 (then c may hold NaN and is not read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, int w, Vector256<T> alpha, Vector256<T> beta, bool overwrite, Vector256<T> x0, Vector256<T> x1)
    {
        if (overwrite)
        {
            (alpha * x0).Store(c); (alpha * x1).Store(c + w);
        }
        else
        {
            (alpha * x0 + beta * Vector256.Load(c)).Store(c);
            (alpha * x1 + beta * Vector256.Load(c + w)).Store(c + w);
        }
    }

    /// <summary>x·y + acc with one rounding; the type test is resolved when the kernel is compiled for T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
    }
}
