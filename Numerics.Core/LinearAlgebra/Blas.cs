using MathNet.Numerics.LinearAlgebra;

namespace Numerics.LinearAlgebra;

/// <summary>
/// BLAS on MathNet matrices, executed by <see cref="LinearAlgebraBackend.Current"/>. For span-level
/// calls with leading dimensions, use <see cref="Backend"/> directly.
/// </summary>
public static class Blas
{
    /// <summary>The backend that executes every call (MKL, OpenBLAS or managed).</summary>
    public static LinearAlgebraBackend Backend => LinearAlgebraBackend.Current;

    /// <summary>C ← α·op(A)·op(B) + β·C on dense column-major MathNet matrices.</summary>
    /// <exception cref="ArgumentException">Shapes do not conform, or C is not dense.</exception>
    public static void Gemm(double alpha, Matrix<double> a, Transpose transA, Matrix<double> b, Transpose transB,
        double beta, Matrix<double> c)
    {
        var (m, n, k) = Conform(a, transA, b, transB, c);
        Backend.Gemm(transA, transB, m, n, k, alpha, DenseStorage.ColumnMajor(a), Math.Max(1, a.RowCount),
            DenseStorage.ColumnMajor(b), Math.Max(1, b.RowCount), beta, DenseStorage.Writable(c, nameof(c)), Math.Max(1, c.RowCount));
    }

    /// <summary>Single-precision C ← α·op(A)·op(B) + β·C.</summary>
    public static void Gemm(float alpha, Matrix<float> a, Transpose transA, Matrix<float> b, Transpose transB,
        float beta, Matrix<float> c)
    {
        var (m, n, k) = Conform(a, transA, b, transB, c);
        Backend.Gemm(transA, transB, m, n, k, alpha, DenseStorage.ColumnMajor(a), Math.Max(1, a.RowCount),
            DenseStorage.ColumnMajor(b), Math.Max(1, b.RowCount), beta, DenseStorage.Writable(c, nameof(c)), Math.Max(1, c.RowCount));
    }

    /// <summary>Returns op(A)·op(B) as a new dense matrix.</summary>
    public static Matrix<double> Multiply(Matrix<double> a, Matrix<double> b,
        Transpose transA = Transpose.NoTranspose, Transpose transB = Transpose.NoTranspose)
    {
        ArgumentNullException.ThrowIfNull(a); ArgumentNullException.ThrowIfNull(b);
        var c = Matrix<double>.Build.Dense(Rows(a, transA), Cols(b, transB));
        Gemm(1.0, a, transA, b, transB, 0.0, c);
        return c;
    }

    /// <summary>Returns op(A)·op(B) as a new dense single-precision matrix.</summary>
    public static Matrix<float> Multiply(Matrix<float> a, Matrix<float> b,
        Transpose transA = Transpose.NoTranspose, Transpose transB = Transpose.NoTranspose)
    {
        ArgumentNullException.ThrowIfNull(a); ArgumentNullException.ThrowIfNull(b);
        var c = Matrix<float>.Build.Dense(Rows(a, transA), Cols(b, transB));
        Gemm(1f, a, transA, b, transB, 0f, c);
        return c;
    }

    /// <summary>Returns op(A)·x as a new dense vector.</summary>
    public static Vector<double> Multiply(Matrix<double> a, Vector<double> x, Transpose transA = Transpose.NoTranspose)
    {
        ArgumentNullException.ThrowIfNull(a); ArgumentNullException.ThrowIfNull(x);
        int cols = transA == Transpose.NoTranspose ? a.ColumnCount : a.RowCount;
        if (x.Count != cols)
            throw new ArgumentException($"x has {x.Count} entries but op(a) has {cols} columns.", nameof(x));
        var y = new double[transA == Transpose.NoTranspose ? a.RowCount : a.ColumnCount];
        Backend.Gemv(transA, a.RowCount, a.ColumnCount, 1.0, DenseStorage.ColumnMajor(a), Math.Max(1, a.RowCount),
            DenseStorage.Values(x), 1, 0.0, y, 1);
        return Vector<double>.Build.Dense(y);
    }

    private static int Rows<T>(Matrix<T> a, Transpose t) where T : struct, IEquatable<T>, IFormattable =>
        t == Transpose.NoTranspose ? a.RowCount : a.ColumnCount;

    private static int Cols<T>(Matrix<T> a, Transpose t) where T : struct, IEquatable<T>, IFormattable =>
        t == Transpose.NoTranspose ? a.ColumnCount : a.RowCount;

    private static (int M, int N, int K) Conform<T>(Matrix<T> a, Transpose ta, Matrix<T> b, Transpose tb, Matrix<T> c)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(a); ArgumentNullException.ThrowIfNull(b); ArgumentNullException.ThrowIfNull(c);
        int m = Rows(a, ta), k = Cols(a, ta), n = Cols(b, tb);
        if (Rows(b, tb) != k)
            throw new ArgumentException($"op(a) is {m}×{k} but op(b) is {Rows(b, tb)}×{n}: inner dimensions differ.", nameof(b));
        if (c.RowCount != m || c.ColumnCount != n)
            throw new ArgumentException($"c is {c.RowCount}×{c.ColumnCount} but op(a)·op(b) is {m}×{n}.", nameof(c));
        return (m, n, k);
    }
}
