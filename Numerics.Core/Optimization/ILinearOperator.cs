namespace Numerics.Optimization;

/// <summary>A real linear map A: ℝ^Columns → ℝ^Rows that iterative solvers see only through products.</summary>
public interface ILinearOperator
{
    /// <summary>Rows of A (length of A·x).</summary>
    int Rows { get; }

    /// <summary>Columns of A (length of x).</summary>
    int Columns { get; }

    /// <summary>y ← A·x.</summary>
    void Multiply(ReadOnlySpan<double> x, Span<double> y);

    /// <summary>x ← Aᵀ·y.</summary>
    void MultiplyTransposed(ReadOnlySpan<double> y, Span<double> x);
}
