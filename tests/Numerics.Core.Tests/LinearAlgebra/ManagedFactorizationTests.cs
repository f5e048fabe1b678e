using Numerics.LinearAlgebra;
using Numerics.Testing;

namespace Numerics.Core.Tests.LinearAlgebra;

/// <summary>
/// The blocked managed QR, ormqr, pivoted QR, Cholesky and TRSM at sizes on both sides of their
/// block sizes, checked by backward error with the test's own products and, when a native library
/// is loaded, against LAPACK on the same input.
/// </summary>
public class ManagedFactorizationTests
{
    private static readonly LinearAlgebraBackend Managed = LinearAlgebraBackend.Managed;
    private static LinearAlgebraBackend? Native => LinearAlgebraBackend.Native;
    private static LinearAlgebraBackend[] Both => Native is { } native ? [Managed, native] : [Managed];

    private const int Qr = ManagedLapack.QrBlockSize;
    private const int Chol = ManagedLapack.CholeskyBlockSize;
    private const int Tri = ManagedTriangularSolve.BlockSize;

    /// <summary>
    /// Two factorizations of the same input, each with backward error ≤ γ̃, differ in the factor by at
    /// most about 2·κ·γ̃ to first order (Sun's perturbation bounds for QR and Cholesky: ‖ΔR‖/‖R‖ ≲ √2·κ·‖ΔA‖/‖A‖);
    /// 3 covers the √2 and the second-order term.
    /// </summary>
    private const double TwoFactorizations = 3;

    private static double Frobenius(ReadOnlySpan<double> x, int rows, int cols, int ld)
    {
        double s = 0;
        for (int j = 0; j < cols; j++) for (int i = 0; i < rows; i++) s += x[i + j * ld] * x[i + j * ld];
        return Math.Sqrt(s);
    }

    private static void AssertPaddingUnchanged(double[] before, double[] after, int rows, int cols, int ld)
    {
        for (int j = 0; j < cols; j++)
            for (int i = rows; i < ld && i + j * ld < before.Length; i++)
                Assert.Equal(before[i + j * ld], after[i + j * ld]);
    }

    public static TheoryData<int, int> QrShapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int n in new[] { Qr - 1, Qr, Qr + 1, 3 * Qr + 5 })
        {
            data.Add(n + 7, n);
            data.Add(2 * n + 3, n);
        }
        data.Add(Qr + 1, 3 * Qr + 5);   // wide: the panels run out of rows first
        return data;
    }

    [Theory, MemberData(nameof(QrShapes))]
    public void Blocked_qr_has_a_small_backward_error_orthonormal_Q_and_LAPACKs_R(int m, int n)
    {
        int lda = m + 3;
        var a0 = TestData.Random(lda * n, 101);
        var qr = (double[])a0.Clone();
        var tau = new double[Math.Min(m, n)];
        Managed.Geqrf(m, n, qr, lda, tau);
        AssertQrFactors(a0, qr, tau, m, n, lda);
        AssertPaddingUnchanged(a0, qr, m, n, lda);
        if (Native is not { } native || m < n) return;
        var nq = (double[])a0.Clone();
        native.Geqrf(m, n, nq, lda, new double[n]);
        var s = new double[n];
        native.Gesvd(SvdVectors.None, m, n, (double[])a0.Clone(), lda, s, [], 1, [], 1);
        double diff = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++) diff += Math.Pow(qr[i + j * lda] - nq[i + j * lda], 2);
        Assert.True(Math.Sqrt(diff) <= TwoFactorizations * s[0] / s[n - 1] * Tolerances.FactorizationBackward(m) * Frobenius(a0, m, n, lda),
            $"‖R − R_LAPACK‖_F = {Math.Sqrt(diff):E3}, κ = {s[0] / s[n - 1]:E3}");
    }

    [Theory]
    [InlineData(3 * Qr + 5, 0)]    // rank n/2: the trailing R is round-off
    [InlineData(3 * Qr + 5, 12)]   // columns graded over 12 decades: κ ≈ 1e12
    public void Blocked_qr_stays_backward_stable_on_rank_deficient_and_ill_conditioned_input(int n, int decades)
    {
        int m = n + 40;
        double[] a0;
        if (decades == 0)
        {
            int r = n / 2;
            var b = TestData.Random(m * r, 102);
            var c = TestData.Random(r * n, 103);
            a0 = new double[m * n];
            TestData.NaiveGemm(Transpose.NoTranspose, Transpose.NoTranspose, m, n, r, 1, b, m, c, r, 0, a0, m);
        }
        else
        {
            a0 = TestData.Random(m * n, 104);
            for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) a0[i + j * m] *= Math.Pow(10, -decades * (double)j / (n - 1));
        }
        var qr = (double[])a0.Clone();
        var tau = new double[n];
        Managed.Geqrf(m, n, qr, m, tau);
        AssertQrFactors(a0, qr, tau, m, n, m);
    }

    /// <summary>‖A − Q·R‖_F ≤ γ̃‖A‖_F and max|QᵀQ − I| ≤ γ̃, with Q from orgqr and the products in the test.</summary>
    private static void AssertQrFactors(double[] a0, double[] qr, double[] tau, int m, int n, int lda)
    {
        int r = Math.Min(m, n);
        var q = new double[m * r];
        for (int j = 0; j < r; j++) Array.Copy(qr, j * lda, q, j * m, m);
        Managed.Orgqr(m, r, r, q, m, tau);
        var qtq = new double[r * r];
        TestData.NaiveGemm(Transpose.Transpose, Transpose.NoTranspose, r, r, m, 1, q, m, q, m, 0, qtq, r);
        for (int i = 0; i < r; i++) qtq[i + i * r] -= 1;
        Assert.True(qtq.Max(Math.Abs) <= Tolerances.FactorizationBackward(m), $"max|QᵀQ − I| = {qtq.Max(Math.Abs):E3}");
        var rf = new double[r * n];
        for (int j = 0; j < n; j++) for (int i = 0; i <= Math.Min(j, r - 1); i++) rf[i + j * r] = qr[i + j * lda];
        var residual = new double[m * n];
        for (int j = 0; j < n; j++) Array.Copy(a0, j * lda, residual, j * m, m);
        TestData.NaiveGemm(Transpose.NoTranspose, Transpose.NoTranspose, m, n, r, -1, q, m, rf, r, 1, residual, m);
        double relative = Frobenius(residual, m, n, m) / Frobenius(a0, m, n, lda);
        Assert.True(relative <= Tolerances.FactorizationBackward(m), $"‖A − QR‖_F/‖A‖_F = {relative:E3}");
    }

    [Theory]
    [InlineData(Side.Left, Transpose.NoTranspose)]
    [InlineData(Side.Left, Transpose.Transpose)]
    [InlineData(Side.Right, Transpose.NoTranspose)]
    [InlineData(Side.Right, Transpose.Transpose)]
    public void Blocked_ormqr_matches_the_reflectors_applied_one_at_a_time(Side side, Transpose trans)
    {
        int k = 3 * Qr + 5, order = k + 20, other = 45;
        int m = side == Side.Left ? order : other, n = side == Side.Left ? other : order, ldc = m + 2;
        var a = TestData.Random(order * k, 105);
        var tau = new double[k];
        Managed.Geqrf(order, k, a, order, tau);
        var reflectors = (double[])a.Clone();
        var c0 = TestData.Random(ldc * n, 106);
        var expected = (double[])c0.Clone();
        // Q = H₁⋯H_k: QC and CQᵀ apply H_k first, QᵀC and CQ apply H₁ first.
        bool firstFirst = (side == Side.Left) == (trans == Transpose.Transpose);
        for (int s = 0; s < k; s++) ApplyOneReflector(side, firstFirst ? s : k - 1 - s, order, a, tau, m, n, expected, ldc);
        foreach (var backend in Both)
        {
            var c = (double[])c0.Clone();
            backend.Ormqr(side, trans, m, n, k, a, order, tau, c, ldc);
            Assert.Equal(reflectors, a);
            var diff = new double[m * n];
            for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) diff[i + j * m] = c[i + j * ldc] - expected[i + j * ldc];
            double relative = Frobenius(diff, m, n, m) / Frobenius(c0, m, n, ldc);
            Assert.True(relative <= Tolerances.FactorizationBackward(order), $"{backend.Kind}: relative difference {relative:E3}");
            AssertPaddingUnchanged(c0, c, m, n, ldc);
        }
    }

    /// <summary>C ← Hᵢ·C or C·Hᵢ with Hᵢ = I − τᵢvvᵀ, v = [0…0, 1, A[i+1.., i]], written out plainly.</summary>
    private static void ApplyOneReflector(Side side, int i, int order, double[] a, double[] tau, int m, int n, double[] c, int ldc)
    {
        double V(int p) => p < i ? 0 : p == i ? 1 : a[p + i * order];
        if (side == Side.Left)
            for (int j = 0; j < n; j++)
            {
                double w = 0;
                for (int p = i; p < m; p++) w += V(p) * c[p + j * ldc];
                for (int p = i; p < m; p++) c[p + j * ldc] -= tau[i] * w * V(p);
            }
        else
            for (int r = 0; r < m; r++)
            {
                double w = 0;
                for (int p = i; p < n; p++) w += c[r + p * ldc] * V(p);
                for (int p = i; p < n; p++) c[r + p * ldc] -= tau[i] * w * V(p);
            }
    }

    [Fact]
    public void Pivoted_qr_reveals_the_rank_and_reconstructs_A_times_P()
    {
        const int m = 150, n = 90, rank = 37;
        var b = TestData.Random(m * rank, 107);
        var c = TestData.Random(rank * n, 108);
        var a0 = new double[m * n];
        TestData.NaiveGemm(Transpose.NoTranspose, Transpose.NoTranspose, m, n, rank, 1, b, m, c, rank, 0, a0, m);
        foreach (var backend in Both)
        {
            var qr = (double[])a0.Clone();
            var tau = new double[n];
            var jpvt = new int[n];
            backend.Geqp3(m, n, qr, m, jpvt, tau);
            // The exact rank leaves |r_ii| of round-off (≈ 1e-14·|r₀₀|) past it and O(1e-2·|r₀₀|) before it:
            // √ε·|r₀₀| sits six decades from either side.
            double cutoff = Math.Sqrt(Tolerances.DoubleEpsilon) * Math.Abs(qr[0]);
            int numericalRank = Enumerable.Range(0, n).Count(i => Math.Abs(qr[i + i * m]) > cutoff);
            Assert.Equal(rank, numericalRank);
            Assert.True(Math.Abs(qr[rank - 1 + (rank - 1) * m]) > 1e-3 * Math.Abs(qr[0]), $"{backend.Kind}: the last kept pivot is tiny");
            // Q·R = A·P, checked against the permuted columns of A.
            var permuted = new double[m * n];
            for (int j = 0; j < n; j++) Array.Copy(a0, (jpvt[j] - 1) * m, permuted, j * m, m);
            AssertQrFactors(permuted, qr, tau, m, n, m);
        }
    }

    public static TheoryData<TriangularPart, int> CholeskyCases()
    {
        var data = new TheoryData<TriangularPart, int>();
        foreach (var uplo in new[] { TriangularPart.Lower, TriangularPart.Upper })
            foreach (int n in new[] { Chol - 1, Chol, Chol + 1, 3 * Chol + 5 }) data.Add(uplo, n);
        return data;
    }

    [Theory, MemberData(nameof(CholeskyCases))]
    public void Blocked_cholesky_reconstructs_A_matches_LAPACK_and_leaves_the_other_triangle_alone(TriangularPart uplo, int n)
    {
        const double sentinel = 12345.678;
        int lda = n + 2;
        foreach (double condition in new[] { 10.0, 1e12 })
        {
            var spd = DenseTestMatrices.WithSpectrum(DenseTestMatrices.LogSpaced(n, 1, condition), seed: n);
            var a0 = new double[lda * n];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < lda; i++)
                    a0[i + j * lda] = i >= n || (uplo == TriangularPart.Lower ? i < j : i > j) ? sentinel : spd[i, j];
            var f = (double[])a0.Clone();
            Assert.Equal(0, Managed.Potrf(uplo, n, f, lda));
            for (int j = 0; j < n; j++)
                for (int i = 0; i < lda; i++)
                    if (a0[i + j * lda] == sentinel) Assert.Equal(sentinel, f[i + j * lda]);
            // L (lower) or Uᵀ (upper), then ‖A − L·Lᵀ‖_F ≤ γ̃‖A‖_F.
            var l = new double[n * n];
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++) l[i + j * n] = uplo == TriangularPart.Lower ? f[i + j * lda] : f[j + i * lda];
            var residual = spd.ToColumnMajorArray();
            TestData.NaiveGemm(Transpose.NoTranspose, Transpose.Transpose, n, n, n, -1, l, n, l, n, 1, residual, n);
            double relative = Frobenius(residual, n, n, n) / spd.FrobeniusNorm();
            Assert.True(relative <= Tolerances.FactorizationBackward(n), $"κ = {condition:E0}: ‖A − LLᵀ‖_F/‖A‖_F = {relative:E3}");
            if (Native is not { } native || condition > 10) continue;
            var nf = (double[])a0.Clone();
            Assert.Equal(0, native.Potrf(uplo, n, nf, lda));
            double diff = 0;
            for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) diff += Math.Pow(f[i + j * lda] - nf[i + j * lda], 2);
            Assert.True(Math.Sqrt(diff) <= TwoFactorizations * condition * Tolerances.FactorizationBackward(n) * Frobenius(l, n, n, n),
                $"‖L − L_LAPACK‖_F = {Math.Sqrt(diff):E3}");
        }
    }

    [Theory]
    [InlineData(TriangularPart.Lower)]
    [InlineData(TriangularPart.Upper)]
    public void Blocked_cholesky_reports_the_first_failing_minor_beyond_the_first_block(TriangularPart uplo)
    {
        int n = 3 * Chol + 5, bad = Chol + 36;
        var spd = DenseTestMatrices.WithSpectrum(DenseTestMatrices.LogSpaced(n, 1, 10), seed: 5);
        spd[bad, bad] -= 1e3;   // minors 1..bad stay positive definite; minor bad+1 cannot be
        foreach (var backend in Both)
            Assert.Equal(bad + 1, backend.Potrf(uplo, n, spd.ToColumnMajorArray(), n));
    }

    public static TheoryData<Side, TriangularPart, Transpose, DiagonalKind> TrsmCases()
    {
        var data = new TheoryData<Side, TriangularPart, Transpose, DiagonalKind>();
        foreach (var side in new[] { Side.Left, Side.Right })
            foreach (var uplo in new[] { TriangularPart.Lower, TriangularPart.Upper })
                foreach (var trans in new[] { Transpose.NoTranspose, Transpose.Transpose })
                    foreach (var diag in new[] { DiagonalKind.NonUnit, DiagonalKind.Unit })
                        data.Add(side, uplo, trans, diag);
        return data;
    }

    /// <summary>
    /// Bound on κ₂ of the test's triangular matrices: op(A) = D + N with |N_ij| ≤ 1/order strictly on one
    /// side, so ‖N‖₂ ≤ ‖N‖_F ≤ 1/√2, and D = I (unit) or 2 ± 1/order (non-unit): κ ≤ (1 + 1/√2)/(1 − 1/√2) ≈ 5.8.
    /// </summary>
    private const double TriangularCondition = 6;

    [Theory, MemberData(nameof(TrsmCases))]
    public void Blocked_trsm_solves_every_side_triangle_transpose_and_diagonal(Side side, TriangularPart uplo, Transpose trans, DiagonalKind diag)
    {
        int m = 2 * Tri + 2, n = Tri + 6, order = side == Side.Left ? m : n, lda = order + 3, ldb = m + 2;
        const double alpha = -0.75;
        var a = TestData.Random(lda * order, 109, 1.0 / order);
        for (int i = 0; i < order; i++) a[i + i * lda] += 2;
        // op(A) written out densely: only the uplo triangle of A counts, and a unit diagonal is 1.
        var op = new double[order * order];
        for (int j = 0; j < order; j++)
            for (int i = 0; i < order; i++)
            {
                int r = trans == Transpose.NoTranspose ? i : j, c = trans == Transpose.NoTranspose ? j : i;
                bool stored = uplo == TriangularPart.Lower ? r >= c : r <= c;
                op[i + j * order] = r == c && diag == DiagonalKind.Unit ? 1 : stored ? a[r + c * lda] : 0;
            }
        var b0 = TestData.Random(ldb * n, 110);
        foreach (var backend in Both)
        {
            var x = (double[])b0.Clone();
            backend.Trsm(side, uplo, trans, diag, m, n, alpha, a, lda, x, ldb);
            AssertPaddingUnchanged(b0, x, m, n, ldb);
            var residual = new double[m * n];
            for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) residual[i + j * m] = -alpha * b0[i + j * ldb];
            if (side == Side.Left)
                TestData.NaiveGemm(Transpose.NoTranspose, Transpose.NoTranspose, m, n, m, 1, op, m, x, ldb, 1, residual, m);
            else
                TestData.NaiveGemm(Transpose.NoTranspose, Transpose.NoTranspose, m, n, n, 1, x, ldb, op, n, 1, residual, m);
            double scale = Frobenius(op, order, order, order) * Frobenius(x, m, n, ldb);
            Assert.True(Frobenius(residual, m, n, m) <= Tolerances.FactorizationBackward(order) * scale,
                $"{backend.Kind}: ‖op(A)X − αB‖_F = {Frobenius(residual, m, n, m):E3} against {scale:E3}");
            if (backend == Managed) continue;
            var managed = (double[])b0.Clone();
            Managed.Trsm(side, uplo, trans, diag, m, n, alpha, a, lda, managed, ldb);
            var diff = new double[m * n];
            for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) diff[i + j * m] = managed[i + j * ldb] - x[i + j * ldb];
            Assert.True(Frobenius(diff, m, n, m) <= TwoFactorizations * TriangularCondition * Tolerances.FactorizationBackward(order) * Frobenius(x, m, n, ldb),
                $"‖X − X_BLAS‖_F = {Frobenius(diff, m, n, m):E3}");
        }
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Span_level_routines_let_NaN_propagate_on_every_backend(string backend)
    {
        // The span-level routines check shapes, not values (LAPACKE's NaN scan is off): a NaN in the
        // input must come out in the factors, not as an exception on one backend and NaN on another.
        var lapack = Backends.Get(backend);
        var a = TestData.Random(5 * 3, 41);
        a[4] = double.NaN;
        var tau = new double[3];
        lapack.Geqrf(5, 3, a, 5, tau);
        Assert.True(double.IsNaN(a[0]) || double.IsNaN(tau[0]), "the first reflector must carry the NaN of column 0");
        var spd = new double[] { 4, 1, 1, double.NaN };
        int info = lapack.Potrf(TriangularPart.Lower, 2, spd, 2);
        Assert.True(info == 2 || double.IsNaN(spd[3]), $"info = {info}, L[1,1] = {spd[3]}: a NaN pivot is either reported as the failing minor or propagated");
    }

    [Theory, MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Trsm_with_alpha_zero_writes_zeros_without_reading_B(string backend)
    {
        var a = new double[] { 2, 1, 0, 3 };
        var b = Enumerable.Repeat(double.NaN, 2 * 3).ToArray();
        Backends.Get(backend).Trsm(Side.Left, TriangularPart.Lower, Transpose.NoTranspose, DiagonalKind.NonUnit, 2, 3, 0.0, a, 2, b, 2);
        Assert.All(b, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Blocked_factorizations_give_the_same_bits_for_any_thread_count()
    {
        int n = 3 * Chol + 5, wide = 4 * 256 + 3;
        var spd = DenseTestMatrices.WithSpectrum(DenseTestMatrices.LogSpaced(n, 1, 100), seed: 3).ToColumnMajorArray();
        var a = TestData.Random(n * n, 111);
        var b = TestData.Random(n * wide, 112);
        int saved = Managed.Threads;
        try
        {
            (double[] Qr, double[] Chol, double[] Left, double[] Right) Run(int threads)
            {
                Managed.Threads = threads;
                var qr = (double[])a.Clone();
                Managed.Geqrf(n, n, qr, n, new double[n]);
                var chol = (double[])spd.Clone();
                Managed.Potrf(TriangularPart.Lower, n, chol, n);
                var left = (double[])b.Clone();
                Managed.Trsm(Side.Left, TriangularPart.Lower, Transpose.NoTranspose, DiagonalKind.NonUnit, n, wide, 1.0, chol, n, left, n);
                var right = new double[wide * n];
                for (int j = 0; j < n; j++) for (int i = 0; i < wide; i++) right[i + j * wide] = b[j + i * n];
                Managed.Trsm(Side.Right, TriangularPart.Lower, Transpose.Transpose, DiagonalKind.NonUnit, wide, n, 1.0, chol, n, right, wide);
                return (qr, chol, left, right);
            }
            var one = Run(1);
            foreach (int threads in new[] { 2, 3 })
            {
                var other = Run(threads);
                Assert.Equal(one.Qr, other.Qr);
                Assert.Equal(one.Chol, other.Chol);
                Assert.Equal(one.Left, other.Left);
                Assert.Equal(one.Right, other.Right);
            }
        }
        finally { Managed.Threads = saved; }
    }
}
