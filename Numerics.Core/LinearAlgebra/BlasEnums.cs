namespace Numerics.LinearAlgebra;

/// <summary>Whether a matrix operand is used as stored or transposed (BLAS <c>trans</c>).</summary>
public enum Transpose
{
    /// <summary>Use the matrix as stored: op(A) = A.</summary>
    NoTranspose = 0,
    /// <summary>Use the transpose: op(A) = Aᵀ.</summary>
    Transpose = 1,
}

/// <summary>Which triangle of a square matrix is referenced (BLAS/LAPACK <c>uplo</c>).</summary>
public enum TriangularPart
{
    /// <summary>The upper triangle, including the diagonal.</summary>
    Upper = 0,
    /// <summary>The lower triangle, including the diagonal.</summary>
    Lower = 1,
}

/// <summary>On which side a triangular or orthogonal factor multiplies (BLAS/LAPACK <c>side</c>).</summary>
public enum Side
{
    /// <summary>op(A)·X.</summary>
    Left = 0,
    /// <summary>X·op(A).</summary>
    Right = 1,
}

/// <summary>Whether a triangular matrix has an implicit unit diagonal (BLAS <c>diag</c>).</summary>
public enum DiagonalKind
{
    /// <summary>The diagonal is read from the matrix.</summary>
    NonUnit = 0,
    /// <summary>The diagonal is taken to be all ones and is not read.</summary>
    Unit = 1,
}

/// <summary>Which singular vectors an SVD computes (LAPACK <c>jobz</c>/<c>jobu</c>).</summary>
public enum SvdVectors
{
    /// <summary>Singular values only.</summary>
    None = 0,
    /// <summary>The thin factors: U is m×min(m,n) and Vᵀ is min(m,n)×n.</summary>
    Thin = 1,
    /// <summary>The full factors: U is m×m and Vᵀ is n×n.</summary>
    Full = 2,
}

/// <summary>Which implementation executes BLAS and LAPACK calls.</summary>
public enum BlasBackendKind
{
    /// <summary>The built-in SIMD GEMM and managed factorizations; needs no native library.</summary>
    Managed = 0,
    /// <summary>OpenBLAS (<c>libopenblas.so.0</c>) with LAPACKE (<c>liblapacke.so.3</c>).</summary>
    OpenBlas = 1,
    /// <summary>Intel MKL through its single dynamic library (<c>libmkl_rt.so</c>).</summary>
    Mkl = 2,
}
