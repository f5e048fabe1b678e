using Numerics.LinearAlgebra;

namespace Numerics.Arithmetic;

/// <summary>
/// Dense matrix operations on column-major matrices of some storage (leading dimension = rows),
/// on top of the vector operations, which treat a matrix as its rows·cols elements. A vector
/// created by <see cref="IVectorArithmetic{TVector}.Create(int)"/> is an n×1 matrix.
/// </summary>
/// <remarks>
/// Compositions of these members (the identity, the distance to it, Gershgorin's row-sum bound,
/// a finiteness check) are written once in <see cref="MatrixArithmeticExtensions"/>.
/// </remarks>
/// <typeparam name="TMatrix">The matrix handle.</typeparam>
public interface IMatrixArithmetic<TMatrix> : IVectorArithmetic<TMatrix>
{
    /// <summary>
    /// The unit roundoff u of the element type (2⁻⁵³ for double, 2⁻²⁴ for float): solvers use it to
    /// tell what accuracy the element type can certify.
    /// </summary>
    double UnitRoundoff { get; }

    /// <summary>Rows of <paramref name="m"/>.</summary>
    int Rows(TMatrix m);

    /// <summary>Columns of <paramref name="m"/>.</summary>
    int Columns(TMatrix m);

    /// <summary>A new rows×cols matrix (contents undefined).</summary>
    TMatrix Create(int rows, int cols);

    /// <summary>C ← α·op(A)·op(B) + β·C (β = 0 does not read C).</summary>
    void Gemm(Transpose transA, Transpose transB, double alpha, TMatrix a, TMatrix b, double beta, TMatrix c);

    /// <summary>
    /// The full symmetric Gram matrix c ← α·a·aᵀ (<paramref name="transpose"/> false) or α·aᵀ·a. The
    /// default is one GEMM; a backend with a symmetric rank-k kernel does half the work.
    /// </summary>
    void SymmetricRankK(double alpha, TMatrix a, bool transpose, TMatrix c) =>
        Gemm(transpose ? Transpose.Transpose : Transpose.NoTranspose, transpose ? Transpose.NoTranspose : Transpose.Transpose, alpha, a, a, 0.0, c);

    /// <summary>m ← m + shift·I on the min(rows, cols) diagonal.</summary>
    void AddToDiagonal(TMatrix m, double shift);

    /// <summary>sums (a cols×1 vector) ← the column sums Σᵢ mᵢⱼ, accumulated in double.</summary>
    void ColumnSums(TMatrix m, TMatrix sums);

    /// <summary>sums (a rows×1 vector) ← the row sums Σⱼ mᵢⱼ, accumulated in double.</summary>
    void RowSums(TMatrix m, TMatrix sums);
}
