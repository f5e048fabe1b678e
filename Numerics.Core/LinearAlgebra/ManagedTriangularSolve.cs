using System.Runtime.CompilerServices;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Blocked triangular solve with several right-hand sides (BLAS dtrsm): op(A)·X = α·B or
/// X·op(A) = α·B, B overwritten by X.
/// </summary>
/// <remarks>
/// op(A) is cut into <see cref="BlockSize"/>-wide diagonal blocks. Each diagonal block is solved by
/// substitution on contiguous columns (vectorised dot or axpy, <see cref="ManagedVectorKernels"/>), and the rest of B is updated by one
/// GEMM per block, so all but O(nb/n) of the work runs in the managed GEMM and speeds up with it.
/// The substitutions split B into independent column (left side) or row (right side) chunks for
/// the threads; every entry is computed by the same operations in the same order whatever the
/// thread count.
/// </remarks>
internal static class ManagedTriangularSolve
{
    /// <summary>Order of the diagonal blocks: the substitutions cost nb·(size of B) and the GEMMs the rest.</summary>
    public const int BlockSize = 64;

    /// <summary>Columns (left side) or rows (right side) of B per parallel substitution task.</summary>
    private const int Chunk = 256;

    private static LinearAlgebraBackend Backend => LinearAlgebraBackend.Managed;

    public static void Trsm(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag, int m, int n,
        double alpha, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        if (m == 0 || n == 0) return;
        for (int j = 0; j < n; j++)
        {
            var col = b.Slice(j * ldb, m);
            if (alpha == 0) col.Clear();   // BLAS: B is not read when α = 0
            else if (alpha != 1) ManagedVectorKernels.Scale(alpha, col);
        }
        if (alpha == 0) return;
        // op(A) is lower triangular exactly when (A lower) xor (transposed); lower solves run forwards.
        bool forward = (uplo == TriangularPart.Lower) ^ (transA == Transpose.Transpose) ^ (side == Side.Right);
        int order = side == Side.Left ? m : n;
        int blocks = (order + BlockSize - 1) / BlockSize;
        for (int step = 0; step < blocks; step++)
        {
            int i = (forward ? step : blocks - 1 - step) * BlockSize, s = Math.Min(BlockSize, order - i);
            // The not-yet-solved part of B: after this block when forward, before it when backward.
            int rest0 = forward ? i + s : 0, rest = forward ? order - i - s : i;
            if (side == Side.Left)
            {
                SolveDiagonalBlock(side, uplo, transA, diag, s, n, a[(i + i * lda)..], lda, b[i..], ldb);
                if (rest > 0)
                {
                    // B[rest, :] −= op(A)[rest, block] · X[block, :]
                    Backend.Gemm(transA, Transpose.NoTranspose, rest, n, s, -1.0, OpBlock(a, lda, transA, rest0, i), lda,
                        b[i..], ldb, 1.0, b[rest0..], ldb);
                }
            }
            else
            {
                SolveDiagonalBlock(side, uplo, transA, diag, m, s, a[(i + i * lda)..], lda, b[(i * ldb)..], ldb);
                if (rest > 0)
                {
                    // B[:, rest] −= X[:, block] · op(A)[block, rest]
                    Backend.Gemm(Transpose.NoTranspose, transA, m, rest, s, -1.0, b[(i * ldb)..], ldb,
                        OpBlock(a, lda, transA, i, rest0), lda, 1.0, b[(rest0 * ldb)..], ldb);
                }
            }
        }
    }

    /// <summary>The storage of op(A)[r0.., c0..]: A[r0.., c0..] itself, or A[c0.., r0..] read transposed.</summary>
    private static ReadOnlySpan<double> OpBlock(ReadOnlySpan<double> a, int lda, Transpose transA, int r0, int c0) =>
        transA == Transpose.NoTranspose ? a[(r0 + c0 * lda)..] : a[(c0 + r0 * lda)..];

    /// <summary>Substitution with one diagonal block (order ≤ <see cref="BlockSize"/>) on the m×n block of B, in parallel chunks.</summary>
    private static void SolveDiagonalBlock(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag, int m, int n,
        ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        int along = side == Side.Left ? n : m;
        int chunks = (along + Chunk - 1) / Chunk, threads = Math.Min(Backend.EffectiveThreads, chunks);
        if (threads <= 1)
        {
            SolveChunk(side, uplo, transA, diag, m, n, a, lda, b, ldb);
            return;
        }
        unsafe
        {
            fixed (double* pa = a, pb = b)
            {
                // Spans cannot enter the lambda; the pinned pointers can, and the arrays stay pinned until Parallel.For returns.
                nint aAddress = (nint)pa, bAddress = (nint)pb;
                int aLength = a.Length, bLength = b.Length;
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
                {
                    var av = new ReadOnlySpan<double>((double*)aAddress, aLength);
                    var bv = new Span<double>((double*)bAddress, bLength);
                    int start = c * Chunk, count = Math.Min(Chunk, along - start);
                    if (side == Side.Left) SolveChunk(side, uplo, transA, diag, m, count, av, lda, bv[(start * ldb)..], ldb);
                    else SolveChunk(side, uplo, transA, diag, count, n, av, lda, bv[start..], ldb);
                });
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveChunk(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag, int m, int n,
        ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        bool unit = diag == DiagonalKind.Unit, lower = uplo == TriangularPart.Lower;
        if (side == Side.Left)
        {
            for (int j = 0; j < n; j++) SolveColumn(lower, transA, unit, m, a, lda, b.Slice(j * ldb, m));
            return;
        }
        // X·op(A) = B column by column: X[:,j]·op(A)[j,j] = B[:,j] − Σ_{p≠j} X[:,p]·op(A)[p,j] over the solved p.
        bool opUpper = lower == (transA == Transpose.Transpose);
        for (int step = 0; step < n; step++)
        {
            int j = opUpper ? step : n - 1 - step;
            var xj = b.Slice(j * ldb, m);
            int p0 = opUpper ? 0 : j + 1, p1 = opUpper ? j : n;
            for (int p = p0; p < p1; p++)
            {
                double apj = transA == Transpose.NoTranspose ? a[p + j * lda] : a[j + p * lda];
                if (apj != 0) ManagedVectorKernels.Axpy(-apj, b.Slice(p * ldb, m), xj);
            }
            if (!unit) ManagedVectorKernels.Scale(1 / a[j + j * lda], xj);
        }
    }

    /// <summary>op(A)·x = x for one contiguous column, reading A by columns: axpy form for A itself, dot form for Aᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveColumn(bool lower, Transpose transA, bool unit, int s, ReadOnlySpan<double> a, int lda, Span<double> x)
    {
        if (transA == Transpose.NoTranspose)
        {
            for (int step = 0; step < s; step++)
            {
                int p = lower ? step : s - 1 - step;
                if (!unit) x[p] /= a[p + p * lda];
                double xp = x[p];
                if (xp == 0) continue;
                if (lower) ManagedVectorKernels.Axpy(-xp, a.Slice(p + 1 + p * lda, s - p - 1), x[(p + 1)..]);
                else ManagedVectorKernels.Axpy(-xp, a.Slice(p * lda, p), x[..p]);
            }
            return;
        }
        // op(A) = Aᵀ: row i of op(A) is column i of A; A upper means op(A) lower (forward).
        for (int step = 0; step < s; step++)
        {
            int i = lower ? s - 1 - step : step;
            double dot = lower
                ? ManagedVectorKernels.Dot(a.Slice(i + 1 + i * lda, s - i - 1), x[(i + 1)..s])
                : ManagedVectorKernels.Dot(a.Slice(i * lda, i), x[..i]);
            double xi = x[i] - dot;
            x[i] = unit ? xi : xi / a[i + i * lda];
        }
    }
}
