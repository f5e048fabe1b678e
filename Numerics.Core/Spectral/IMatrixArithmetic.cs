using Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>
/// The dense operations the Newton–Schulz control code needs, on matrices of some storage
/// (host arrays, device buffers). <see cref="NewtonSchulz"/> is written once against this
/// interface; the CPU supplies <see cref="HostArithmetic{T}"/> and the GPU its own implementation.
/// All matrices are column-major with leading dimension = rows.
/// </summary>
/// <typeparam name="TMatrix">The matrix handle.</typeparam>
public interface IMatrixArithmetic<TMatrix>
{
    /// <summary>Rows of <paramref name="m"/>.</summary>
    int Rows(TMatrix m);

    /// <summary>Columns of <paramref name="m"/>.</summary>
    int Columns(TMatrix m);

    /// <summary>A new rows×cols matrix (contents undefined).</summary>
    TMatrix Create(int rows, int cols);

    /// <summary>Frees <paramref name="m"/> (device memory; a no-op on the host).</summary>
    void Release(TMatrix m);

    /// <summary>m ← value·I (m square).</summary>
    void SetIdentity(TMatrix m, double value);

    /// <summary>C ← α·op(A)·op(B) + β·C (β = 0 does not read C).</summary>
    void Gemm(Transpose transA, Transpose transB, double alpha, TMatrix a, TMatrix b, double beta, TMatrix c);

    /// <summary>y ← α·x + β·y (same shapes; β = 0 does not read y).</summary>
    void Axpby(double alpha, TMatrix x, double beta, TMatrix y);

    /// <summary>m ← m + shift·I on the diagonal.</summary>
    void AddToDiagonal(TMatrix m, double shift);

    /// <summary>‖m‖_F, accumulated in double.</summary>
    double FrobeniusNorm(TMatrix m);

    /// <summary>‖m − I‖_F for square m, accumulated in double.</summary>
    double DistanceToIdentity(TMatrix m);

    /// <summary>max_i Σ_j |m_ij| (Gershgorin bound for symmetric m), or +∞ when the storage cannot compute it cheaply.</summary>
    double MaxAbsRowSum(TMatrix m);

    /// <summary>True when any entry is NaN or infinite.</summary>
    bool HasNonFinite(TMatrix m);
}
