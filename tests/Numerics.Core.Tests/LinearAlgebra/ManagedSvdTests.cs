using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Testing;

namespace Numerics.Core.Tests.LinearAlgebra;

/// <summary>Tests that replace <see cref="LinearAlgebraBackend.Current"/> for a moment, so they run alone.</summary>
[CollectionDefinition(nameof(CurrentBackendCollection), DisableParallelization = true)]
public sealed class CurrentBackendCollection;

/// <summary>
/// The managed SVD through QR: tall matrices far beyond the m×m limit, wide ones through the
/// transpose, planted singular values across the QR block size, and the memory the dense
/// baselines use on it.
/// </summary>
[Collection(nameof(CurrentBackendCollection))]
public class ManagedSvdTests
{
    private static readonly LinearAlgebraBackend Managed = LinearAlgebraBackend.Managed;

    private static double MaxAbsOffIdentity(double[] q, int rows, int cols)
    {
        var g = new double[cols * cols];
        TestData.NaiveGemm(Transpose.Transpose, Transpose.NoTranspose, cols, cols, rows, 1, q, rows, q, rows, 0, g, cols);
        for (int i = 0; i < cols; i++) g[i + i * cols] -= 1;
        return g.Max(Math.Abs);
    }

    /// <summary>‖A − U·diag(s)·Vᵀ‖_F/‖A‖_F with r = min(m, n) columns of U and rows of Vᵀ (leading dimension ldvt).</summary>
    private static double ReconstructionError(double[] a, int m, int n, double[] u, double[] s, double[] vt, int ldvt)
    {
        int r = s.Length;
        var us = new double[m * r];
        for (int j = 0; j < r; j++) for (int i = 0; i < m; i++) us[i + j * m] = u[i + j * m] * s[j];
        var residual = (double[])a.Clone();
        TestData.NaiveGemm(Transpose.NoTranspose, Transpose.NoTranspose, m, n, r, -1, us, m, vt, ldvt, 1, residual, m);
        return Math.Sqrt(residual.Sum(x => x * x) / a.Sum(x => x * x));
    }

    [Fact]
    public void Tall_svd_of_100000_by_8_is_thin_and_matches_the_Gram_eigenvalues()
    {
        const int m = 100_000, n = 8;
        var a = TestData.Random(m * n, 201);
        var work = (double[])a.Clone();
        var s = new double[n];
        var u = new double[m * n];
        var vt = new double[n * n];
        Assert.Equal(0, Managed.Gesvd(SvdVectors.Thin, m, n, work, m, s, u, m, vt, n));
        // Reference: σᵢ² are the eigenvalues of AᵀA (κ(A) ≈ 1.1 here, so squaring loses nothing that matters).
        var gram = new double[n * n];
        TestData.NaiveGemm(Transpose.Transpose, Transpose.NoTranspose, n, n, m, 1, a, m, a, m, 0, gram, n);
        var eigen = Matrix<double>.Build.Dense(n, n, gram).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues
            .Select(e => Math.Sqrt(e.Real)).OrderDescending().ToArray();
        // Weyl: a backward error γ̃‖A‖ moves each σ by at most that much.
        for (int i = 0; i < n; i++)
            Assert.True(Math.Abs(s[i] - eigen[i]) <= Tolerances.FactorizationBackward(m) * s[0], $"σ[{i}] = {s[i]:R} vs {eigen[i]:R}");
        Assert.True(MaxAbsOffIdentity(u, m, n) <= Tolerances.FactorizationBackward(m));
        Assert.True(ReconstructionError(a, m, n, u, s, vt, n) <= Tolerances.FactorizationBackward(m));
        if (LinearAlgebraBackend.Native is { } native)
        {
            var ns = new double[n];
            native.Gesvd(SvdVectors.None, m, n, (double[])a.Clone(), m, ns, [], 1, [], 1);
            for (int i = 0; i < n; i++) Assert.True(Math.Abs(s[i] - ns[i]) <= Tolerances.FactorizationBackward(m) * s[0], $"σ[{i}] vs LAPACK");
        }
    }

    [Theory]
    [InlineData(SvdVectors.None)]
    [InlineData(SvdVectors.Thin)]
    [InlineData(SvdVectors.Full)]
    public void Wide_svd_is_the_transposed_tall_one(SvdVectors job)
    {
        const int m = 8, n = 300;
        var a = TestData.Random(m * n, 202);
        var at = new double[n * m];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) at[j + i * n] = a[i + j * m];
        var tall = new double[m];
        Managed.Gesdd(SvdVectors.None, n, m, at, n, tall, [], 1, [], 1);
        int vtRows = job == SvdVectors.Full ? n : m;
        var s = new double[m];
        var u = job == SvdVectors.None ? [] : new double[m * m];
        var vt = job == SvdVectors.None ? [] : new double[vtRows * n];
        Assert.Equal(0, Managed.Gesdd(job, m, n, (double[])a.Clone(), m, s, u, m, vt, Math.Max(1, vtRows)));
        for (int i = 0; i < m; i++) Assert.True(Math.Abs(s[i] - tall[i]) <= Tolerances.FactorizationBackward(n) * s[0]);
        if (job == SvdVectors.None) return;
        Assert.True(MaxAbsOffIdentity(u, m, m) <= Tolerances.FactorizationBackward(n));
        var v = new double[n * vtRows];
        for (int j = 0; j < n; j++) for (int i = 0; i < vtRows; i++) v[j + i * n] = vt[i + j * vtRows];
        Assert.True(MaxAbsOffIdentity(v, n, vtRows) <= Tolerances.FactorizationBackward(n));
        Assert.True(ReconstructionError(a, m, n, u, s, vt, vtRows) <= Tolerances.FactorizationBackward(n));
    }

    [Theory]
    [InlineData(SvdVectors.None)]
    [InlineData(SvdVectors.Thin)]
    [InlineData(SvdVectors.Full)]
    public void Svd_recovers_planted_singular_values_across_the_qr_block_size(SvdVectors job)
    {
        int n = 3 * ManagedLapack.QrBlockSize + 5, m = n + 59;
        // A = Q₁·diag(σ)·Q₂ᵀ from MathNet's orthogonal factors, σ over 10 decades.
        var sigma = DenseTestMatrices.LogSpaced(n, 1, 1e-10).ToArray();
        var q1 = DenseTestMatrices.Orthogonal(m, 203).SubMatrix(0, m, 0, n);
        var q2 = DenseTestMatrices.Orthogonal(n, 204);
        var a = (q1 * Matrix<double>.Build.DenseOfDiagonalArray(sigma) * q2.Transpose()).ToColumnMajorArray();
        int uCols = job == SvdVectors.Full ? m : n;
        var s = new double[n];
        var u = job == SvdVectors.None ? [] : new double[m * uCols];
        var vt = job == SvdVectors.None ? [] : new double[n * n];
        Assert.Equal(0, Managed.Gesvd(job, m, n, (double[])a.Clone(), m, s, u, m, vt, n));
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(s[i] - sigma[i]) <= Tolerances.FactorizationBackward(m), $"σ[{i}] = {s[i]:E6} vs {sigma[i]:E6}");
        if (job == SvdVectors.None) return;
        Assert.True(MaxAbsOffIdentity(u, m, uCols) <= Tolerances.FactorizationBackward(m));
        Assert.True(ReconstructionError(a, m, n, u, s, vt, n) <= Tolerances.FactorizationBackward(m));
    }

    [Fact]
    public void Dense_baselines_on_the_managed_backend_allocate_no_m_by_m_factor()
    {
        const int m = 4000;
        // Orthogonal ±1 columns (constant, alternating, alternating in pairs) scaled to norms 3, 2, 1: ‖A‖₂ = 3, κ = 3.
        var a = Matrix<double>.Build.Dense(m, 3, (i, j) => (j == 0 ? 3.0 : j == 1 ? 2.0 * (i % 2 == 0 ? 1 : -1) : (i / 2 % 2 == 0 ? 1 : -1)) / Math.Sqrt(m));
        var saved = LinearAlgebraBackend.Current;
        try
        {
            LinearAlgebraBackend.Current = Managed;
            DenseBaselines.SpectralNorm(a);   // compiles and warms up everything once
            long before = GC.GetAllocatedBytesForCurrentThread();
            double norm = DenseBaselines.SpectralNorm(a);
            double condition = DenseBaselines.ConditionNumber(a);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(Math.Abs(norm - 3) <= Tolerances.FactorizationBackward(m) * 3, $"‖A‖₂ = {norm:R}");
            Assert.True(Math.Abs(condition - 3) <= Tolerances.FactorizationBackward(m) * 3 * 3, $"κ = {condition:R}");
            // Two copies of A (96 KB each) and 3×3 work, against 128 MB for one m×m U.
            Assert.True(allocated < 1 << 20, $"SpectralNorm and ConditionNumber allocated {allocated:N0} bytes; m×m doubles are {8L * m * m:N0}");

            // A tall least-squares baseline far past m = 46 341, where m² overflows an int.
            const int tall = 100_000;
            var b = Matrix<double>.Build.Dense(tall, 4, (i, j) => Math.Sin(i * (j + 1) * 0.001) + (i % (j + 2)));
            var x0 = Vector<double>.Build.Dense([1.0, -2.0, 0.5, 3.0]);
            var x = DenseBaselines.LeastSquaresSvd(b, b * x0);
            // A consistent system: forward error ≤ κ·(backward error), twice for the rounding of b = B·x₀.
            double bound = 2 * DenseBaselines.ConditionNumber(b) * Tolerances.FactorizationBackward(tall) * x0.L2Norm();
            Assert.True((x - x0).L2Norm() <= bound, $"‖x − x₀‖ = {(x - x0).L2Norm():E3} > {bound:E3}");
        }
        finally { LinearAlgebraBackend.Current = saved; }
    }
}
