using ILGPU;

namespace Numerics.Gpu.Kernels;

/// <summary>Element-wise kernels over whole matrices and diagonals (auto-grouped, one thread per element).</summary>
internal static class ElementwiseKernels
{
    /// <summary>y ← α·x + β·y; β = 0 does not read y.</summary>
    public static void Axpby<T, TOps>(Index1D i, ArrayView<T> x, ArrayView<T> y, T alpha, T beta)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        T ax = o.Mul(alpha, x[i]);
        y[i] = o.ToDouble(beta) == 0.0 ? ax : o.Fma(beta, y[i], ax);
    }

    /// <summary>x ← α·x.</summary>
    public static void Scale<T, TOps>(Index1D i, ArrayView<T> x, T alpha)
        where T : unmanaged where TOps : struct, IScalarOps<T> => x[i] = default(TOps).Mul(alpha, x[i]);

    /// <summary>A[i,i] ← A[i,i] + s for i &lt; min(rows, cols): the identity shift A + sI.</summary>
    public static void AddToDiagonal<T, TOps>(Index1D i, ArrayView<T> a, int ld, T shift)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        int d = i;
        long idx = d + (long)d * ld;
        a[idx] = default(TOps).Add(a[idx], shift);
    }

    /// <summary>A_b[i,i] ← A_b[i,i] + s for every matrix b of a batch stored at b·stride.</summary>
    public static void AddToDiagonalBatched<T, TOps>(Index2D db, ArrayView<T> a, int ld, long stride, T shift)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        long idx = db.Y * stride + db.X + (long)db.X * ld;
        a[idx] = default(TOps).Add(a[idx], shift);
    }

    /// <summary>A[i,j] ← s[j]·A[i,j] over a rows×cols matrix.</summary>
    public static void ScaleColumns<T, TOps>(Index2D ij, ArrayView<T> a, int ld, ArrayView<T> scales)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        long idx = ij.X + (long)ij.Y * ld;
        a[idx] = default(TOps).Mul(scales[ij.Y], a[idx]);
    }
}
