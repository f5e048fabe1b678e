using Numerics.Arithmetic;

namespace Numerics.Testing;

/// <summary>A matrix storage as the arithmetic suite sees it: the arithmetic plus host copies in and out.</summary>
/// <typeparam name="TMatrix">The matrix handle.</typeparam>
public abstract class MatrixBackend<TMatrix>
{
    /// <summary>The arithmetic under test.</summary>
    public abstract IMatrixArithmetic<TMatrix> Ops { get; }

    /// <summary>Unit round-off of the element type (2⁻⁵³ or 2⁻²⁴).</summary>
    public abstract double UnitRoundoff { get; }

    /// <summary>A new rows×cols matrix holding the column-major <paramref name="values"/> (rounded to the element type).</summary>
    public abstract TMatrix Upload(int rows, int cols, double[] values);

    /// <summary>The column-major values of <paramref name="m"/> as doubles.</summary>
    public abstract double[] Download(TMatrix m);
}
