using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Vector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace Numerics.IO;

/// <summary>
/// An n-dimensional array as stored in a <c>.npy</c> file: its shape, element type, memory order and
/// the elements in file order (row-major when <see cref="FortranOrder"/> is false, column-major when true).
/// </summary>
public sealed class NpyArray
{
    /// <summary>Creates an array, checking that the data length matches the shape.</summary>
    /// <param name="shape">Dimensions; an empty shape is a scalar.</param>
    /// <param name="fortranOrder">True when the data is column-major.</param>
    /// <param name="data">A <c>double[]</c>, <c>float[]</c>, <c>int[]</c>, <c>long[]</c>, <c>byte[]</c> or <c>bool[]</c>.</param>
    public NpyArray(int[] shape, bool fortranOrder, Array data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Any(d => d < 0)) throw new ArgumentException("Dimensions must be non-negative.", nameof(shape));
        DType = NpyDTypeCodes.FromElementType(data.GetType().GetElementType()) is { } dtype && data.Rank == 1 ? dtype
            : throw new ArgumentException($"Unsupported array type {data.GetType()}.", nameof(data));
        long count = 1;
        foreach (int d in shape) count = count > long.MaxValue / Math.Max(d, 1) ? long.MaxValue : count * d;
        if (data.Length != count)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) needs {count} elements but data has {data.Length}.", nameof(data));
        Shape = (int[])shape.Clone();
        FortranOrder = fortranOrder;
        Data = data;
    }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>True when <see cref="Data"/> is column-major (Fortran order).</summary>
    public bool FortranOrder { get; }

    /// <summary>The elements in file order.</summary>
    public Array Data { get; }

    /// <summary>The number of elements.</summary>
    public long Length => Data.Length;

    /// <summary>The elements converted to double, in file order.</summary>
    /// <exception cref="InvalidOperationException">The array holds bool.</exception>
    public double[] ToDoubleArray()
    {
        var values = new double[Data.Length];
        Elements().CopyColumnMajor(Data, true, values, values.Length, 1);
        return values;
    }

    /// <summary>A 2-D array as a dense column-major float64 matrix (any numeric dtype is widened).</summary>
    /// <exception cref="InvalidOperationException">The array is not 2-D or holds bool.</exception>
    public Matrix<double> ToMatrix() => ToMatrix<double>();

    /// <summary>
    /// A 2-D array as a dense column-major matrix of <typeparamref name="T"/> (<see cref="double"/> or
    /// <see cref="float"/>; float only from float32 or uint8 data, which it holds exactly). C-order data
    /// is transposed tile by tile, in parallel.
    /// </summary>
    /// <exception cref="InvalidOperationException">The array is not 2-D or holds bool.</exception>
    /// <exception cref="InvalidDataException">The data would be rounded into float.</exception>
    public Matrix<T> ToMatrix<T>() where T : unmanaged, INumberBase<T>, IEquatable<T>, IFormattable
    {
        Npy.RequireMatrixElement<T>();
        if (Shape.Count != 2) throw new InvalidOperationException($"Expected a 2-D array, got shape ({string.Join(", ", Shape)}).");
        int rows = Shape[0], cols = Shape[1];
        var values = GC.AllocateUninitializedArray<T>(rows * cols);
        Elements().CopyColumnMajor(Data, FortranOrder, values, rows, cols);
        return Matrix<T>.Build.Dense(rows, cols, values);
    }

    private NpyElements Elements() => DType == NpyDType.Bool
        ? throw new InvalidOperationException("A bool array has no numeric value; read Data as bool[].")
        : NpyElements.For(DType);

    /// <summary>A 1-D array as a dense vector (converted to double).</summary>
    /// <exception cref="InvalidOperationException">The array is not 1-D.</exception>
    public Vector ToVector()
    {
        if (Shape.Count != 1) throw new InvalidOperationException($"Expected a 1-D array, got shape ({string.Join(", ", Shape)}).");
        return Vector.Build.Dense(ToDoubleArray());
    }

    /// <summary>Wraps a matrix as a 2-D float64 array in Fortran order (no transpose needed).</summary>
    public static NpyArray FromMatrix(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new NpyArray([matrix.RowCount, matrix.ColumnCount], true, matrix.ToColumnMajorArray());
    }

    /// <summary>Wraps a vector as a 1-D float64 array.</summary>
    public static NpyArray FromVector(Vector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        return new NpyArray([vector.Count], false, vector.ToArray());
    }
}
