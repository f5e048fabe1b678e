using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Numerics.LinearAlgebra;

/// <summary>The AVX-512 tile: MR = three <see cref="Vector512{T}"/> (24 doubles, 48 floats) by NR = 8.</summary>
/// <remarks>
/// 24 accumulators, three A vectors and a broadcast of B fill 28 of the 32 zmm registers. Per k step
/// the 24 FMAs need 3 vector loads and 8 broadcasts, a lower load-to-FMA ratio than the 16×14
/// alternative (2 + 14 loads for 28 FMAs), which matters on cores with two 512-bit FMA pipes.
/// </remarks>
internal readonly unsafe struct Vector512MicroKernel<T> : IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 3 * Vector512<T>.Count;

    public static int Columns => 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint aStep, T* b, T alpha, T beta, T* c, nint ldc)
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<T> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<T> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> a0 = Vector512.Load(a), a1 = Vector512.Load(a + w), a2 = Vector512.Load(a + 2 * w);
            Vector512<T> bj = Vector512.Create(b[0]);
            c00 = Fma(a0, bj, c00); c01 = Fma(a1, bj, c01); c02 = Fma(a2, bj, c02);
            bj = Vector512.Create(b[1]);
            c10 = Fma(a0, bj, c10); c11 = Fma(a1, bj, c11); c12 = Fma(a2, bj, c12);
            bj = Vector512.Create(b[2]);
            c20 = Fma(a0, bj, c20); c21 = Fma(a1, bj, c21); c22 = Fma(a2, bj, c22);
            bj = Vector512.Create(b[3]);
            c30 = Fma(a0, bj, c30); c31 = Fma(a1, bj, c31); c32 = Fma(a2, bj, c32);
            bj = Vector512.Create(b[4]);
            c40 = Fma(a0, bj, c40); c41 = Fma(a1, bj, c41); c42 = Fma(a2, bj, c42);
            bj = Vector512.Create(b[5]);
            c50 = Fma(a0, bj, c50); c51 = Fma(a1, bj, c51); c52 = Fma(a2, bj, c52);
            bj = Vector512.Create(b[6]);
            c60 = Fma(a0, bj, c60); c61 = Fma(a1, bj, c61); c62 = Fma(a2, bj, c62);
            bj = Vector512.Create(b[7]);
            c70 = Fma(a0, bj, c70); c71 = Fma(a1, bj, c71); c72 = Fma(a2, bj, c72);
            a += aStep;
            b += 8;
        }
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool overwrite = beta == T.Zero;
        Store(c, w, va, vb, overwrite, c00, c01, c02); c += ldc;
        Store(c, w, va, vb, overwrite, c10, c11, c12); c += ldc;
        Store(c, w, va, vb, overwrite, c20, c21, c22); c += ldc;
        Store(c, w, va, vb, overwrite, c30, c31, c32); c += ldc;
        Store(c, w, va, vb, overwrite, c40, c41, c42); c += ldc;
        Store(c, w, va, vb, overwrite, c50, c51, c52); c += ldc;
        Store(c, w, va, vb, overwrite, c60, c61, c62); c += ldc;
        Store(c, w, va, vb, overwrite, c70, c71, c72);
    }

    /// <summary>One column of the tile: α·acc, plus β·c unless β = 0 (then c may hold NaN and is not read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, int w, Vector512<T> alpha, Vector512<T> beta, bool overwrite,
        Vector512<T> x0, Vector512<T> x1, Vector512<T> x2)
    {
        if (overwrite)
        {
            (alpha * x0).Store(c); (alpha * x1).Store(c + w); (alpha * x2).Store(c + 2 * w);
        }
        else
        {
            (alpha * x0 + beta * Vector512.Load(c)).Store(c);
            (alpha * x1 + beta * Vector512.Load(c + w)).Store(c + w);
            (alpha * x2 + beta * Vector512.Load(c + 2 * w)).Store(c + 2 * w);
        }
    }

    /// <summary>x·y + acc with one rounding; the type test is resolved when the kernel is compiled for T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> acc)
    {
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
    }
}
