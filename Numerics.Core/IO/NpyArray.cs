using MathNet.Numerics.LinearAlgebra;

namespace Numerics.IO;

/// <summary>Element types the engine reads and writes in <c>.npy</c> files.</summary>
public enum NpyDType
{
    /// <summary>IEEE double (<c>f8</c>).</summary>
    Float64,
    /// <summary>IEEE single (<c>f4</c>).</summary>
    Float32,
    /// <summary>32-bit signed integer (<c>i4</c>).</summary>
    Int32,
    /// <summary>64-bit signed integer (<c>i8</c>).</summary>
    Int64,
    /// <summary>Unsigned byte (<c>u1</c>), e.g. 8-bit images; read only.</summary>
    UInt8,
}

/// <summary>
/// An n-dimensional array as stored in a <c>.npy</c> file: its shape, element type, memory order and
/// the elements in file order (row-major when <see cref="FortranOrder"/> is false, column-major when true).
/// </summary>
public sealed class NpyArray
{
    /// <summary>Creates an array, checking that the data length matches the shape.</summary>
    /// <param name="shape">Dimensions; an empty shape is a scalar.</param>
    /// <param name="fortranOrder">True when the data is column-major.</param>
    /// <param name="data">A <c>double[]</c>, <c>float[]</c>, <c>int[]</c>, <c>long[]</c> or <c>byte[]</c>.</param>
    public NpyArray(int[] shape, bool fortranOrder, Array data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Any(d => d < 0)) throw new ArgumentException("Dimensions must be non-negative.", nameof(shape));
        DType = data switch
        {
            double[] => NpyDType.Float64,
            float[] => NpyDType.Float32,
            int[] => NpyDType.Int32,
            long[] => NpyDType.Int64,
            byte[] => NpyDType.UInt8,
            _ => throw new ArgumentException($"Unsupported element type {data.GetType().GetElementType()}.", nameof(data)),
        };
        long count = shape.Aggregate(1L, (a, d) => a * d);
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
    public double[] ToDoubleArray() => Data switch
    {
        double[] d => (double[])d.Clone(),
        float[] f => Array.ConvertAll(f, x => (double)x),
        int[] i => Array.ConvertAll(i, x => (double)x),
        long[] l => Array.ConvertAll(l, x => (double)x),
        byte[] b => Array.ConvertAll(b, x => (double)x),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>A 2-D array as a dense column-major matrix (converted to double).</summary>
    /// <exception cref="InvalidOperationException">The array is not 2-D.</exception>
    public Matrix<double> ToMatrix()
    {
        if (Shape.Count != 2) throw new InvalidOperationException($"Expected a 2-D array, got shape ({string.Join(", ", Shape)}).");
        int rows = Shape[0], cols = Shape[1];
        var values = ToDoubleArray();
        if (FortranOrder) return Matrix<double>.Build.Dense(rows, cols, values);
        var colMajor = new double[values.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) colMajor[i + j * rows] = values[i * cols + j];
        return Matrix<double>.Build.Dense(rows, cols, colMajor);
    }

    /// <summary>A 1-D array as a dense vector (converted to double).</summary>
    /// <exception cref="InvalidOperationException">The array is not 1-D.</exception>
    public Vector<double> ToVector()
    {
        if (Shape.Count != 1) throw new InvalidOperationException($"Expected a 1-D array, got shape ({string.Join(", ", Shape)}).");
        return Vector<double>.Build.Dense(ToDoubleArray());
    }

    /// <summary>Wraps a matrix as a 2-D float64 array in Fortran order (no transpose needed).</summary>
    public static NpyArray FromMatrix(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new NpyArray([matrix.RowCount, matrix.ColumnCount], true, matrix.ToColumnMajorArray());
    }

    /// <summary>Wraps a vector as a 1-D float64 array.</summary>
    public static NpyArray FromVector(Vector<double> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        return new NpyArray([vector.Count], false, vector.ToArray());
    }
}
