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

    /// <summary>
    /// y ← A·x − α·y, then z ← Aᵀ·y: the two products of one Golub–Kahan step. Operators that
    /// stream a matrix override this to read it once instead of twice.
    /// </summary>
    void MultiplyThenTransposed(ReadOnlySpan<double> x, double alpha, Span<double> y, Span<double> z)
    {
        var ax = new double[Rows];
        Multiply(x, ax);
        for (int i = 0; i < ax.Length; i++) y[i] = ax[i] - alpha * y[i];
        MultiplyTransposed(y, z);
    }

    /// <summary>
    /// ‖y‖₂ for a vector y of A's row space (length <see cref="Rows"/>, like A·x). LSQR takes every
    /// row-space norm through here, so that an operator whose rows are spread over several processes
    /// can sum the squares of every process's part (one collective) while LSQR stays one algorithm;
    /// the default is the 2-norm of the local vector.
    /// </summary>
    double RowSpaceNorm(ReadOnlySpan<double> y) => GolubKahan.Norm(y);
}
