using ILGPU;
using ILGPU.Runtime;
using Numerics.Gpu.Kernels;

namespace Numerics.Gpu;

public sealed partial class GpuProximalNetwork<T>
{
    /// <summary>
    /// The primal pass on the inputs in the first n·m entries of the workspace's inputs:
    /// u₁ = A₀y + b₀, u_k = W_k z_{k−1} + B_k y + c_k, and z_k, s′(u_k), s″(u_k) for every layer.
    /// </summary>
    private void Forward(DeviceProximalWorkspace<T> ws)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count, hm = h * m;
        var y = ws.InputAndDirection.SubView(0, (long)n * m);
        var pre = ws.Adjoint.SubView(0, hm);
        double beta = Architecture.Beta;
        for (int k = 1; k <= Layout.K; k++)
        {
            if (k == 1)
            {
                Gemm(false, false, h, m, n, Theta(Layout.A0, h * n), h, y, n, false, pre, h);
            }
            else
            {
                Gemm(false, false, h, m, h, Theta(Layout.W(k), h * h), h, ws.Activations[k - 2].SubView(0, hm), h, false, pre, h);
                Gemm(false, false, h, m, n, Theta(Layout.B(k), h * n), h, y, n, true, pre, h);
            }
            _kernels.Activate(hm, pre, _theta.View, k == 1 ? Layout.B0 : Layout.C(k), h,
                ws.Activations[k - 1].SubView(0, hm), ws.Slopes[k - 1], ws.Curvatures[k - 1], beta, 1 / beta);
        }
    }

    /// <summary>ψ_j = wᵀz_K,j + aᵀy_j + α‖y_j‖² into <paramref name="potential"/> (m values), after <see cref="Forward"/>.</summary>
    private void PotentialOf(DeviceProximalWorkspace<T> ws, ArrayView<T> potential)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count;
        _kernels.Potential(m, ws.Activations[Layout.K - 1], ws.InputAndDirection, _theta.View, Layout.OutputWeights, Layout.Linear,
            h, n, Architecture.Alpha, potential);
    }

    /// <summary>
    /// x = ∇ψ(y) by the reverse pass after <see cref="Forward"/>: δ_K = w ⊙ s′(u_K),
    /// δ_{k−1} = s′(u_{k−1}) ⊙ W_kᵀδ_k, x = A₀ᵀδ₁ + Σ_k B_kᵀδ_k + a + 2αy.
    /// </summary>
    private void Gradient(DeviceProximalWorkspace<T> ws, ArrayView<T> x)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count, hm = h * m;
        var delta = ws.Adjoint.SubView(0, hm);
        var back = ws.Scratch.SubView(0, hm);
        _kernels.OutputSeed(hm, ws.Slopes[Layout.K - 1], _theta.View, Layout.OutputWeights, h, delta);
        _kernels.LinearPart(n * m, ws.InputAndDirection, _theta.View, Layout.Linear, n, 2 * Architecture.Alpha, x);
        for (int k = Layout.K; k >= 2; k--)
        {
            Gemm(true, false, n, m, h, Theta(Layout.B(k), h * n), h, delta, h, true, x, n);
            Gemm(true, false, h, m, h, Theta(Layout.W(k), h * h), h, delta, h, false, back, h);
            _kernels.Multiply(hm, ws.Slopes[k - 2], back, delta);
        }
        Gemm(true, false, n, m, h, Theta(Layout.A0, h * n), h, delta, h, true, x, n);
    }

    /// <summary>u̇₁ = A₀r, u̇_k = W_k ż_{k−1} + B_k r, ż_k = s′(u_k) ⊙ u̇_k, with r in the second half of the inputs.</summary>
    private void TangentForward(DeviceProximalWorkspace<T> ws)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count, hm = h * m;
        var r = ws.InputAndDirection.SubView((long)n * m, (long)n * m);
        for (int k = 1; k <= Layout.K; k++)
        {
            var ud = ws.Tangents[k - 1];
            if (k == 1)
            {
                Gemm(false, false, h, m, n, Theta(Layout.A0, h * n), h, r, n, false, ud, h);
            }
            else
            {
                Gemm(false, false, h, m, h, Theta(Layout.W(k), h * h), h, ws.Activations[k - 2].SubView(hm, hm), h, false, ud, h);
                Gemm(false, false, h, m, n, Theta(Layout.B(k), h * n), h, r, n, true, ud, h);
            }
            _kernels.Multiply(hm, ws.Slopes[k - 1], ud, ws.Activations[k - 1].SubView(hm, hm));
        }
    }

    /// <summary>
    /// The reverse pass of φ = Σ_j wᵀż_K,j + aᵀr_j + 2αy_jᵀr_j through the primal and tangent passes
    /// (adjoints ū_k = s′⊙z̄_k + s″⊙u̇_k⊙ż̄_k, u̇̄_k = s′⊙ż̄_k): ∂φ/∂θ into the device gradient when
    /// <paramref name="gradient"/> is set, and ∂φ/∂y = ∇²ψ·r into <paramref name="hessianProduct"/> when it is not empty.
    /// </summary>
    private void TangentReverse(DeviceProximalWorkspace<T> ws, bool gradient, ArrayView<T> hessianProduct)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count, hm = h * m, K = Layout.K;
        var yr = ws.InputAndDirection;
        var r = yr.SubView((long)n * m, (long)n * m);
        var g = ws.Adjoint;
        var back = ws.Scratch;
        bool hvp = hessianProduct.IsValid && hessianProduct.Length > 0;
        if (hvp) _dense.Axpby(n * m, r, hessianProduct, _dense.FromDouble(2 * Architecture.Alpha), _dense.FromDouble(0));
        for (int k = K; k >= 1; k--)
        {
            _kernels.TangentAdjoint(hm, back, ws.Slopes[k - 1], ws.Curvatures[k - 1], ws.Tangents[k - 1], _theta.View,
                Layout.OutputWeights, h, hm, k == K ? 1 : 0, g);
            int inputOffset = k == 1 ? Layout.A0 : Layout.B(k);
            if (gradient)
            {
                WeightGradient(ws, g, h, yr, n, 2 * m, Gradient(inputOffset, h * n));
                RowSums(g, h, m, Gradient(k == 1 ? Layout.B0 : Layout.C(k), h));
                if (k >= 2) WeightGradient(ws, g, h, ws.Activations[k - 2], h, 2 * m, Gradient(Layout.W(k), h * h));
            }
            if (hvp) Gemm(true, false, n, m, h, Theta(inputOffset, h * n), h, g.SubView(0, hm), h, true, hessianProduct, n);
            if (k >= 2) Gemm(true, false, h, 2 * m, h, Theta(Layout.W(k), h * h), h, g, h, false, back, h);
        }
        if (gradient)
        {
            RowSums(ws.Activations[K - 1].SubView(hm, hm), h, m, Gradient(Layout.OutputWeights, h));
            RowSums(r, n, m, Gradient(Layout.Linear, n));
        }
    }

    /// <summary>
    /// G = A·Bᵀ (rows×cols) for A rows×columns and B cols×columns: split into chunks of
    /// <see cref="DeviceProximalWorkspace{T}.GradientChunk"/> columns, one batched launch for the full
    /// chunks and one for the rest, then the partial products summed in chunk order.
    /// </summary>
    private void WeightGradient(DeviceProximalWorkspace<T> ws, ArrayView<T> a, int rows, ArrayView<T> b, int cols, int columns, ArrayView<T> result)
    {
        const int chunk = DeviceProximalWorkspace<T>.GradientChunk;
        int full = columns / chunk, rest = columns % chunk, chunks = full + (rest > 0 ? 1 : 0);
        if (chunks == 1)
        {
            Gemm(false, true, rows, cols, columns, a, rows, b, cols, false, result, rows);
            return;
        }
        int size = rows * cols;
        var parts = ws.Partials;
        if (full > 0)
        {
            var args = Arguments(false, true, rows, cols, chunk, rows, cols, false, rows);
            args.StrideA = (long)rows * chunk;
            args.StrideB = (long)cols * chunk;
            args.StrideC = size;
            _la.Gemm(args, a, b, parts, full);
        }
        if (rest > 0)
        {
            long offset = (long)full * chunk;
            Gemm(false, true, rows, cols, rest, a.SubView(offset * rows, (long)rest * rows), rows, b.SubView(offset * cols, (long)rest * cols), cols,
                false, parts.SubView((long)full * size, size), rows);
        }
        _kernels.SumChunks(size, parts, size, chunks, result);
    }

    /// <summary>sums_i = Σ_j a[i, j] of a rows×columns array, one thread per row in column order, in float64.</summary>
    private void RowSums(ArrayView<T> a, int rows, int columns, ArrayView<T> sums) =>
        _dense.RowSumsBatched(new Index2D(rows, 1), a, rows, columns, 0, sums);

    /// <summary>C ← op(A)·op(B) (+ C when <paramref name="accumulate"/>) on raw views.</summary>
    private void Gemm(bool transA, bool transB, int m, int n, int k, ArrayView<T> a, int lda, ArrayView<T> b, int ldb, bool accumulate, ArrayView<T> c, int ldc) =>
        _la.Gemm(Arguments(transA, transB, m, n, k, lda, ldb, accumulate, ldc), a, b, c);

    private GemmArguments<T> Arguments(bool transA, bool transB, int m, int n, int k, int lda, int ldb, bool accumulate, int ldc) => new()
    {
        M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc, TransA = transA ? 1 : 0, TransB = transB ? 1 : 0,
        Alpha = _dense.FromDouble(1), Beta = _dense.FromDouble(accumulate ? 1 : 0),
    };

    private ArrayView<T> Theta(int offset, int length) => _theta.View.SubView(offset, length);

    private ArrayView<T> Gradient(int offset, int length) => _gradient.View.SubView(offset, length);
}
