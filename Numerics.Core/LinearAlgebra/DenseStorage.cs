using System.Numerics;

using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Numerics.LinearAlgebra;

/// <summary>Access to the column-major arrays behind MathNet matrices, without copies when they are dense.</summary>
public static class DenseStorage
{
    /// <summary>
    /// The column-major values of <paramref name="matrix"/> (leading dimension = row count): the
    /// matrix's own array when it is dense, otherwise a copy.
    /// </summary>
    public static T[] ColumnMajor<T>(Matrix<T> matrix) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return matrix.Storage is DenseColumnMajorMatrixStorage<T> dense ? dense.Data : matrix.ToColumnMajorArray();
    }

    /// <summary>The column-major array of a dense matrix that an operation will write into.</summary>
    /// <exception cref="ArgumentException">The matrix is not dense.</exception>
    public static T[] Writable<T>(Matrix<T> matrix, string paramName) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(matrix, paramName);
        return matrix.Storage is DenseColumnMajorMatrixStorage<T> dense ? dense.Data
            : throw new ArgumentException("The output matrix must be dense (MathNet DenseMatrix).", paramName);
    }

    /// <summary>The values of a vector: its own array when it is dense, otherwise a copy.</summary>
    public static T[] Values<T>(MathNet.Numerics.LinearAlgebra.Vector<T> vector) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(vector);
        return vector.Storage is DenseVectorStorage<T> dense ? dense.Data : vector.ToArray();
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when any entry is NaN or infinite.</summary>
    public static void RequireFinite<T>(ReadOnlySpan<T> values, string paramName) where T : IFloatingPointIeee754<T>
    {
        int i = 0;
        if (System.Numerics.Vector<T>.IsSupported && System.Numerics.Vector.IsHardwareAccelerated)
        {
            // x − x is 0 for finite x and NaN for NaN or ±∞: one SIMD pass, the scalar loop below
            // only names the first offending entry.
            for (; i <= values.Length - System.Numerics.Vector<T>.Count; i += System.Numerics.Vector<T>.Count)
            {
                var v = new System.Numerics.Vector<T>(values[i..]);
                if (!System.Numerics.Vector.EqualsAll(v - v, System.Numerics.Vector<T>.Zero)) break;
            }
        }
        for (; i < values.Length; i++)
            if (!T.IsFinite(values[i]))
                throw new ArgumentException($"{paramName} contains a non-finite value ({values[i]}) at flat index {i}.", paramName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the matrix is null, empty or holds NaN/infinity.</summary>
    public static void RequireFinite(Matrix<double> matrix, string paramName, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(matrix, paramName);
        if (!allowEmpty && (matrix.RowCount == 0 || matrix.ColumnCount == 0))
            throw new ArgumentException($"{paramName} is empty ({matrix.RowCount}×{matrix.ColumnCount}).", paramName);
        RequireFinite<double>(ColumnMajor(matrix), paramName);
    }
}
