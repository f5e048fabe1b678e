namespace Numerics.LinearAlgebra;

/// <summary>Argument validation shared by every dense entry point; each failure names the parameter.</summary>
internal static class ShapeCheck
{
    public static void Dimension(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be non-negative.");
    }

    /// <summary>Checks a column-major rows×cols matrix stored with leading dimension ld.</summary>
    public static void Matrix(int spanLength, int rows, int cols, int ld, string name, string ldName)
    {
        if (ld < Math.Max(1, rows))
            throw new ArgumentOutOfRangeException(ldName, ld, $"{ldName} must be at least max(1, {rows}) (the row count of {name}).");
        long needed = Required(rows, cols, ld);
        if (spanLength < needed)
            throw new ArgumentException($"{name} holds {spanLength} elements but a {rows}×{cols} matrix with leading dimension {ld} needs {needed}.", name);
    }

    public static long Required(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (long)(cols - 1) * ld + rows;

    public static void Vector(int spanLength, int n, int inc, string name, string incName)
    {
        if (inc < 1) throw new ArgumentOutOfRangeException(incName, inc, $"{incName} must be at least 1.");
        long needed = n == 0 ? 0 : (long)(n - 1) * inc + 1;
        if (spanLength < needed)
            throw new ArgumentException($"{name} holds {spanLength} elements but {n} elements with increment {inc} need {needed}.", name);
    }

    public static void Length(int spanLength, long needed, string name, string what)
    {
        if (spanLength < needed)
            throw new ArgumentException($"{name} holds {spanLength} elements but {what} needs {needed}.", name);
    }

}
