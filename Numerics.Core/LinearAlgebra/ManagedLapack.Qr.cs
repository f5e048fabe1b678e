using System.Buffers;
using System.Runtime.CompilerServices;

namespace Numerics.LinearAlgebra;

internal static partial class ManagedLapack
{
    /// <summary>
    /// Panel width of the blocked Householder QR and of the block reflectors in ormqr. The panel is
    /// factored column by column (level 2, about nb/n of the flops) and the trailing updates are
    /// GEMMs of inner dimension nb; at n = 2048 on the 2-core AVX-512 host 64 ran about 1.3× faster
    /// than 32, and a 2048×64 panel (1 MB) still fits the L2 of current cores.
    /// </summary>
    public const int QrBlockSize = 64;

    /// <summary>
    /// Blocked Householder QR (LAPACK dgeqrf): each panel of <see cref="QrBlockSize"/> columns is
    /// factored unblocked (dgeqr2), its reflectors are gathered into I − V·T·Vᵀ (dlarft), and the
    /// trailing columns receive Hᵀ by three GEMMs (dlarfb).
    /// </summary>
    public static int Geqrf(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        int k = Math.Min(m, n), nb = QrBlockSize;
        if (k <= nb)
        {
            Geqr2(m, n, a, lda, tau);
            return 0;
        }
        using var block = new BlockReflector(m, nb, Math.Max(m, n));
        for (int i = 0; i < k; i += nb)
        {
            int ib = Math.Min(nb, k - i);
            Geqr2(m - i, ib, a[(i + i * lda)..], lda, tau.Slice(i, ib));
            if (i + ib >= n) continue;
            block.Form(m - i, ib, a[(i + i * lda)..], lda, tau.Slice(i, ib));
            block.Apply(Side.Left, Transpose.Transpose, m - i, n - i - ib, a[(i + (i + ib) * lda)..], lda);
        }
        return 0;
    }

    /// <summary>Unblocked Householder QR (LAPACK dgeqr2) on contiguous columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Geqr2(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        int k = Math.Min(m, n);
        for (int i = 0; i < k; i++)
        {
            var col = a.Slice(i + i * lda, m - i);
            tau[i] = Reflector(ref col[0], col[1..]);
            if (i + 1 < n) ApplyReflector(col, tau[i], n - i - 1, a[(i + (i + 1) * lda)..], lda);
        }
    }

    /// <summary>Householder reflector for (α, x): LAPACK dlarfg. Returns τ; α becomes β and x becomes v[1..].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Reflector(ref double alpha, Span<double> x)
    {
        double xnorm = ManagedVectorKernels.Norm(x);
        if (xnorm == 0) return 0;
        double beta = -Math.CopySign(double.Hypot(alpha, xnorm), alpha);
        double tau = (beta - alpha) / beta;
        ManagedVectorKernels.Scale(1 / (alpha - beta), x);
        alpha = beta;
        return tau;
    }

    /// <summary>
    /// Applies H = I − τvvᵀ from the left to the <paramref name="columns"/> columns of C (each as long
    /// as v), where v = [1; v[1..]] is held in <paramref name="v"/> with its first entry overwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyReflector(Span<double> v, double tau, int columns, Span<double> c, int ldc)
    {
        if (tau == 0 || columns == 0) return;
        double saved = v[0];
        v[0] = 1;
        for (int j = 0; j < columns; j++)
        {
            var target = c.Slice(j * ldc, v.Length);
            ManagedVectorKernels.Axpy(-tau * ManagedVectorKernels.Dot(v, target), v, target);
        }
        v[0] = saved;
    }

    /// <summary>
    /// C ← op(Q)·C or C·op(Q) with Q = H₁⋯H_k (LAPACK dormqr), blocked: the reflectors are applied
    /// <see cref="QrBlockSize"/> at a time as block reflectors, so the work is GEMMs. A is not modified.
    /// </summary>
    public static int Ormqr(Side side, Transpose trans, int m, int n, int k, Span<double> a, int lda,
        ReadOnlySpan<double> tau, Span<double> c, int ldc)
    {
        if (m == 0 || n == 0 || k == 0) return 0;
        int order = side == Side.Left ? m : n, nb = QrBlockSize;
        // Q = Q₁⋯Q_b over the blocks. QᵀC and CQ apply Q₁ first; QC and CQᵀ apply Q_b first.
        bool forward = (side == Side.Left) == (trans == Transpose.Transpose);
        int blocks = (k + nb - 1) / nb;
        using var block = new BlockReflector(order, Math.Min(nb, k), side == Side.Left ? n : m);
        for (int step = 0; step < blocks; step++)
        {
            int i = (forward ? step : blocks - 1 - step) * nb, ib = Math.Min(nb, k - i);
            block.Form(order - i, ib, a[(i + i * lda)..], lda, tau.Slice(i, ib));
            if (side == Side.Left) block.Apply(side, trans, m - i, n, c[i..], ldc);
            else block.Apply(side, trans, m, n - i, c[(i * ldc)..], ldc);
        }
        return 0;
    }

    /// <summary>The first n columns of Q = H₁⋯H_k (LAPACK dorgqr), as Q applied to the first n columns of I.</summary>
    public static int Orgqr(int m, int n, int k, Span<double> a, int lda, ReadOnlySpan<double> tau)
    {
        var reflectors = new double[(long)m * Math.Max(k, 1)];
        for (int j = 0; j < k; j++) a.Slice(j * lda, m).CopyTo(reflectors.AsSpan(j * m, m));
        for (int j = 0; j < n; j++)
        {
            var col = a.Slice(j * lda, m);
            col.Clear();
            col[j] = 1;
        }
        return Ormqr(Side.Left, Transpose.NoTranspose, m, n, k, reflectors, m, tau, a, lda);
    }

    /// <summary>
    /// The compact WY form H₁⋯H_ib = I − V·T·Vᵀ of a run of reflectors (LAPACK dlarft, forward and
    /// columnwise) and its application to a matrix by GEMMs (dlarfb), with pooled workspace.
    /// </summary>
    /// <remarks>
    /// V is copied out as an explicit unit lower-trapezoidal matrix and T kept as a full matrix with
    /// zeros below its diagonal, so every product is a plain GEMM: the few wasted multiplications by
    /// zero (O(nb²) per column of C against O(m·nb)) buy the speed of the GEMM kernel.
    /// </remarks>
    private sealed class BlockReflector : IDisposable
    {
        private static LinearAlgebraBackend Backend => LinearAlgebraBackend.Managed;

        private readonly double[] _v, _t, _product, _scaled;
        private int _rows, _ib;

        /// <param name="rows">The most rows of V (the order of Q).</param>
        /// <param name="nb">The most reflectors per block.</param>
        /// <param name="width">The most columns (left side) or rows (right side) of the matrices it is applied to.</param>
        public BlockReflector(int rows, int nb, int width)
        {
            var pool = ArrayPool<double>.Shared;
            _v = pool.Rent(rows * nb);
            _t = pool.Rent(nb * nb);
            // The Gram matrix VᵀV (nb×nb) shares the first workspace with VᵀC or CV.
            _product = pool.Rent(nb * Math.Max(nb, width));
            _scaled = pool.Rent(nb * Math.Max(nb, width));
        }

        /// <summary>Gathers the ib reflectors stored below the diagonal of A (rows×ib) and τ into V and T.</summary>
        public void Form(int rows, int ib, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> tau)
        {
            _rows = rows;
            _ib = ib;
            var v = _v.AsSpan(0, rows * ib);
            for (int j = 0; j < ib; j++)
            {
                var col = v.Slice(j * rows, rows);
                col[..j].Clear();   // ib ≤ rows: a block never has more reflectors than rows
                col[j] = 1;
                a.Slice(j + 1 + j * lda, rows - j - 1).CopyTo(col[(j + 1)..]);
            }
            // T from the Gram matrix G = VᵀV: T[0:i, i] = −τᵢ·T[0:i, 0:i]·G[0:i, i], T[i, i] = τᵢ.
            var g = _product.AsSpan(0, ib * ib);
            Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, ib, ib, rows, 1.0, v, rows, v, rows, 0.0, g, ib);
            var t = _t.AsSpan(0, ib * ib);
            t.Clear();
            Span<double> column = stackalloc double[ib];
            for (int i = 0; i < ib; i++)
            {
                t[i + i * ib] = tau[i];
                if (tau[i] == 0) continue;
                for (int p = 0; p < i; p++) column[p] = -tau[i] * g[p + i * ib];
                for (int r = 0; r < i; r++)
                {
                    double s = 0;
                    for (int p = r; p < i; p++) s += t[r + p * ib] * column[p];
                    t[r + i * ib] = s;
                }
            }
        }

        /// <summary>
        /// C ← op(H)·C (left; C is rows×n, rows = V's rows) or C·op(H) (right; C is m×rows), with H = I − V·T·Vᵀ.
        /// op(H) = I − V·op(T)·Vᵀ, since Hᵀ = I − V·Tᵀ·Vᵀ.
        /// </summary>
        public void Apply(Side side, Transpose trans, int m, int n, Span<double> c, int ldc)
        {
            int rows = _rows, ib = _ib;
            if (m == 0 || n == 0) return;
            ReadOnlySpan<double> v = _v.AsSpan(0, rows * ib), t = _t.AsSpan(0, ib * ib);
            if (side == Side.Left)
            {
                var w = _product.AsSpan(0, ib * n);
                var tw = _scaled.AsSpan(0, ib * n);
                Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, ib, n, rows, 1.0, v, rows, c, ldc, 0.0, w, ib);
                Backend.Gemm(trans, Transpose.NoTranspose, ib, n, ib, 1.0, t, ib, w, ib, 0.0, tw, ib);
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, rows, n, ib, -1.0, v, rows, tw, ib, 1.0, c, ldc);
            }
            else
            {
                var w = _product.AsSpan(0, m * ib);
                var wt = _scaled.AsSpan(0, m * ib);
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, m, ib, rows, 1.0, c, ldc, v, rows, 0.0, w, m);
                Backend.Gemm(Transpose.NoTranspose, trans, m, ib, ib, 1.0, w, m, t, ib, 0.0, wt, m);
                Backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, m, rows, ib, -1.0, wt, m, v, rows, 1.0, c, ldc);
            }
        }

        public void Dispose()
        {
            var pool = ArrayPool<double>.Shared;
            pool.Return(_v);
            pool.Return(_t);
            pool.Return(_product);
            pool.Return(_scaled);
        }
    }
}
