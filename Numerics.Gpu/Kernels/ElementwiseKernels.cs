using ILGPU;
using Numerics.Arithmetic;

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

    /// <summary>x ← value.</summary>
    public static void Fill<T, TOps>(Index1D i, ArrayView<T> x, T value)
        where T : unmanaged where TOps : struct, IScalarOps<T> => x[i] = value;

    /// <summary>r ← op(x), the device driver of every <see cref="IUnaryOperator"/>.</summary>
    public static void MapUnary<T, TOps, TOperator>(Index1D i, ArrayView<T> x, ArrayView<T> r, TOperator op)
        where T : unmanaged where TOps : struct, IScalarOps<T> where TOperator : struct, IUnaryOperator =>
        r[i] = default(TOps).Apply(op, x[i]);

    /// <summary>r ← op(x, y), the device driver of every <see cref="IBinaryOperator"/>.</summary>
    public static void MapBinary<T, TOps, TOperator>(Index1D i, ArrayView<T> x, ArrayView<T> y, ArrayView<T> r, TOperator op)
        where T : unmanaged where TOps : struct, IScalarOps<T> where TOperator : struct, IBinaryOperator =>
        r[i] = default(TOps).Apply(op, x[i], y[i]);

    /// <summary>
    /// sums_b[i] ← Σⱼ A_b[i, j] for row i of matrix b of a batch (stride between matrices), one
    /// thread per row in column order and float64: the same bits on every run.
    /// </summary>
    public static void RowSumsBatched<T, TOps>(Index2D ib, ArrayView<T> a, int rows, int cols, long stride, ArrayView<T> sums)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        long offset = ib.Y * stride + ib.X;
        double s = 0;
        for (int j = 0; j < cols; j++) s += o.ToDouble(a[offset + (long)j * rows]);
        sums[(long)ib.Y * rows + ib.X] = o.FromDouble(s);
    }

    /// <summary>sums_b[j] ← Σᵢ A_b[i, j], one thread per column in row order and float64.</summary>
    public static void ColumnSumsBatched<T, TOps>(Index2D jb, ArrayView<T> a, int rows, int cols, long stride, ArrayView<T> sums)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        long offset = jb.Y * stride + (long)jb.X * rows;
        double s = 0;
        for (int i = 0; i < rows; i++) s += o.ToDouble(a[offset + i]);
        sums[(long)jb.Y * cols + jb.X] = o.FromDouble(s);
    }
}
