using System.Numerics.Tensors;
using Numerics.LinearAlgebra;

namespace Numerics.Proximal;

public sealed partial class LearnedProximalNetwork
{
    /// <inheritdoc />
    private protected override void HessianVectorProductCore(ReadOnlySpan<double> y, ReadOnlySpan<double> v, int m, Span<double> result)
    {
        var ws = Workspace(m);
        y.CopyTo(ws.InputAndDirection);
        Forward(ws);
        v.CopyTo(ws.InputAndDirection.AsSpan(Layout.N * m));
        TangentForward(ws);
        TangentReverse(ws, null, result);
    }

    /// <inheritdoc />
    /// <remarks>
    /// ⟨r, ∇_yψ(y)⟩ is the directional derivative of ψ along r, so its θ-gradient is an ordinary
    /// reverse pass through the primal pass and its forward tangent along r (mixed partials commute):
    /// no second reverse pass over the first. Cost ≈ three forward passes plus the weight GEMMs.
    /// </remarks>
    private protected override void ParameterGradientCore(ReadOnlySpan<double> y, ReadOnlySpan<double> r, int m, Span<double> gradient)
    {
        var ws = Workspace(m);
        y.CopyTo(ws.InputAndDirection);
        Forward(ws);
        var g = new double[ParameterCount];
        ParameterGradient(ws, r, g);
        g.CopyTo(gradient);
    }

    /// <summary>The training gradient after <see cref="Forward"/> on the same workspace.</summary>
    internal void ParameterGradient(ProximalNetworkWorkspace ws, ReadOnlySpan<double> r, double[] gradient)
    {
        r.CopyTo(ws.InputAndDirection.AsSpan(Layout.N * ws.Count));
        TangentForward(ws);
        TangentReverse(ws, gradient, default);
    }

    /// <summary>u̇₁ = A₀r, u̇_k = W_k ż_{k−1} + B_k r, ż_k = s′(u_k) ⊙ u̇_k, with r in the second half of the inputs.</summary>
    private void TangentForward(ProximalNetworkWorkspace ws)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count;
        double[] p = _parameters;
        var r = ws.InputAndDirection.AsSpan(n * m, n * m);
        for (int k = 1; k <= Layout.K; k++)
        {
            double[] ud = ws.TangentPreactivations[k - 1];
            if (k == 1)
            {
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, m, n, 1.0, p.AsSpan(Layout.A0, h * n), h, r, n, 0.0, ud, h);
            }
            else
            {
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, m, h, 1.0, p.AsSpan(Layout.W(k), h * h), h, ws.Activations[k - 2].AsSpan(h * m, h * m), h, 0.0, ud, h);
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, m, n, 1.0, p.AsSpan(Layout.B(k), h * n), h, r, n, 1.0, ud, h);
            }
            double[] s = ws.Slopes[k - 1], z = ws.Activations[k - 1];
            int offset = h * m;
            BatchBlocks.For(h * m, (start, end) =>
                TensorPrimitives.Multiply(s.AsSpan(start, end - start), ud.AsSpan(start, end - start), z.AsSpan(offset + start, end - start)));
        }
    }

    /// <summary>
    /// Reverse pass of φ = Σ_j wᵀż_K,j + aᵀr_j + 2αy_jᵀr_j through the primal and tangent passes,
    /// with adjoints ū_k = s′⊙z̄_k + s″⊙u̇_k⊙ż̄_k and u̇̄_k = s′⊙ż̄_k. Writes ∂φ/∂θ into
    /// <paramref name="gradient"/> when given, and ∂φ/∂y = ∇²ψ·r into <paramref name="hessianProduct"/> when not empty.
    /// </summary>
    private void TangentReverse(ProximalNetworkWorkspace ws, double[]? gradient, Span<double> hessianProduct)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count, K = Layout.K;
        double[] p = _parameters, g = ws.Adjoint, back = ws.Scratch, yr = ws.InputAndDirection;
        bool hvp = !hessianProduct.IsEmpty;
        if (hvp)
        {
            double twoAlpha = 2 * Architecture.Alpha;
            for (int i = 0; i < n * m; i++) hessianProduct[i] = twoAlpha * yr[n * m + i];
        }
        var w = p.AsSpan(Layout.OutputWeights, h).ToArray();
        for (int k = K; k >= 1; k--)
        {
            double[] s = ws.Slopes[k - 1], c = ws.Curvatures[k - 1], ud = ws.TangentPreactivations[k - 1];
            bool top = k == K;
            // At the top z̄_K = 0 and ż̄_K = w; below, [z̄ | ż̄] = W_{k+1}ᵀ[ū | u̇̄] sits in back.
            BatchBlocks.For(h * m, (start, end) =>
            {
                for (int e = start, i = start % h; e < end; e++, i = i + 1 == h ? 0 : i + 1)
                {
                    double zbar = top ? 0 : back[e], zdotbar = top ? w[i] : back[h * m + e];
                    g[e] = s[e] * zbar + c[e] * ud[e] * zdotbar;
                    g[h * m + e] = s[e] * zdotbar;
                }
            });
            var primalAdjoint = g.AsSpan(0, h * m);
            var inputWeights = p.AsSpan(k == 1 ? Layout.A0 : Layout.B(k), h * n);
            if (gradient is not null)
            {
                int inputOffset = k == 1 ? Layout.A0 : Layout.B(k), biasOffset = k == 1 ? Layout.B0 : Layout.C(k);
                Backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, h, n, 2 * m, 1.0, g, h, yr, n, 0.0, gradient.AsSpan(inputOffset, h * n), h);
                RowSums(primalAdjoint, h, m, gradient.AsSpan(biasOffset, h));
                if (k >= 2)
                    Backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, h, h, 2 * m, 1.0, g, h, ws.Activations[k - 2], h, 0.0, gradient.AsSpan(Layout.W(k), h * h), h);
            }
            if (hvp)
                Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, n, m, h, 1.0, inputWeights, h, primalAdjoint, h, 1.0, hessianProduct, n);
            if (k >= 2)
                Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, h, 2 * m, h, 1.0, p.AsSpan(Layout.W(k), h * h), h, g, h, 0.0, back, h);
        }
        if (gradient is not null)
        {
            RowSums(ws.Activations[K - 1].AsSpan(h * m, h * m), h, m, gradient.AsSpan(Layout.OutputWeights, h));
            RowSums(yr.AsSpan(n * m, n * m), n, m, gradient.AsSpan(Layout.Linear, n));
        }
    }

    /// <summary>sums_i = Σ_j a[i, j] for an rows×columns column-major array, column by column in order.</summary>
    private static void RowSums(ReadOnlySpan<double> a, int rows, int columns, Span<double> sums)
    {
        sums.Clear();
        for (int j = 0; j < columns; j++)
            for (int i = 0; i < rows; i++) sums[i] += a[j * rows + i];
    }
}
