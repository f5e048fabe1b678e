using System.Runtime.CompilerServices;

namespace Numerics.LinearAlgebra;

internal static partial class ManagedLapack
{
    /// <summary>
    /// Column-pivoted Householder QR (LAPACK dgeqp3's contract, unblocked as dlaqp2): before step i
    /// the remaining column of largest trailing norm is swapped in. The trailing norms are downdated
    /// after each step, ‖a_j(i+1:)‖² = ‖a_j(i:)‖² − r_ij², and recomputed when cancellation has eaten
    /// half the digits (LAPACK's √ε test), so the selection costs O(n) per step instead of O(mn).
    /// Columns are contiguous: the reflector goes through vectorised dot and axpy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Geqp3(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau)
    {
        for (int j = 0; j < n; j++) jpvt[j] = j + 1;
        int k = Math.Min(m, n);
        if (k == 0) return 0;
        // partial[j]: the norm of column j below the current row; reference[j]: its value when last recomputed.
        var partial = new double[n];
        var reference = new double[n];
        for (int j = 0; j < n; j++) partial[j] = reference[j] = ManagedVectorKernels.Norm(a.Slice(j * lda, m));
        double threshold = Math.Sqrt(MachineEpsilon);
        for (int i = 0; i < k; i++)
        {
            int pivot = i;
            for (int j = i + 1; j < n; j++) if (partial[j] > partial[pivot]) pivot = j;
            if (pivot != i)
            {
                SwapColumns(a.Slice(i * lda, m), a.Slice(pivot * lda, m));
                (jpvt[i], jpvt[pivot]) = (jpvt[pivot], jpvt[i]);
                partial[pivot] = partial[i];
                reference[pivot] = reference[i];
            }
            var col = a.Slice(i + i * lda, m - i);
            tau[i] = Reflector(ref col[0], col[1..]);
            if (i + 1 < n) ApplyReflector(col, tau[i], n - i - 1, a[(i + (i + 1) * lda)..], lda);
            for (int j = i + 1; j < n; j++)
            {
                if (partial[j] == 0) continue;
                double ratio = Math.Abs(a[i + j * lda]) / partial[j];
                double remaining = Math.Max(0, (1 + ratio) * (1 - ratio));
                double drift = remaining * (partial[j] / reference[j]) * (partial[j] / reference[j]);
                if (drift > threshold) partial[j] *= Math.Sqrt(remaining);
                else partial[j] = reference[j] = i + 1 < m ? ManagedVectorKernels.Norm(a.Slice(i + 1 + j * lda, m - i - 1)) : 0;
            }
        }
        return 0;
    }

    private static void SwapColumns(Span<double> x, Span<double> y)
    {
        Span<double> buffer = stackalloc double[Math.Min(x.Length, 512)];
        for (int start = 0; start < x.Length; start += buffer.Length)
        {
            int count = Math.Min(buffer.Length, x.Length - start);
            x.Slice(start, count).CopyTo(buffer);
            y.Slice(start, count).CopyTo(x[start..]);
            buffer[..count].CopyTo(y[start..]);
        }
    }

    private const double MachineEpsilon = 2.220446049250313e-16;
}
