namespace Numerics.Arithmetic;

/// <summary>
/// Operations composed from the members of <see cref="IMatrixArithmetic{TMatrix}"/> and
/// <see cref="IVectorArithmetic{TVector}"/>, written once for every storage.
/// </summary>
public static class MatrixArithmeticExtensions
{
    /// <summary>m ← value·I (any shape: ones on the min(rows, cols) diagonal).</summary>
    public static void SetIdentity<TMatrix>(this IMatrixArithmetic<TMatrix> ops, TMatrix m, double value)
    {
        ops.Fill(m, 0.0);
        ops.AddToDiagonal(m, value);
    }

    /// <summary>‖m − I‖_F, accumulated in double (uses one scratch matrix).</summary>
    public static double DistanceToIdentity<TMatrix>(this IMatrixArithmetic<TMatrix> ops, TMatrix m)
    {
        var d = ops.Create(ops.Rows(m), ops.Columns(m));
        try
        {
            ops.Copy(m, d);
            ops.AddToDiagonal(d, -1.0);
            return ops.Norm(d);
        }
        finally { ops.Release(d); }
    }

    /// <summary>maxᵢ Σⱼ |mᵢⱼ|: for symmetric m, Gershgorin's bound on the spectral radius.</summary>
    public static double MaxAbsRowSum<TMatrix>(this IMatrixArithmetic<TMatrix> ops, TMatrix m)
    {
        int rows = ops.Rows(m);
        if (rows == 0 || ops.Columns(m) == 0) return 0;
        var abs = ops.Create(rows, ops.Columns(m));
        var sums = ops.Create(rows, 1);
        try
        {
            ops.Map(new AbsOperator(), m, abs);
            ops.RowSums(abs, sums);
            return ops.MaxAbs(sums);
        }
        finally
        {
            ops.Release(abs);
            ops.Release(sums);
        }
    }

    /// <summary>True when any element is NaN or infinite.</summary>
    public static bool HasNonFinite<TVector>(this IVectorArithmetic<TVector> ops, TVector x) => !double.IsFinite(ops.MaxAbs(x));
}
