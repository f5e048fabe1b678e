using System.Numerics.Tensors;

namespace Numerics.Proximal;

public sealed partial class ConvolutionalProximalNetwork
{
    /// <summary>u̇₁ = A₀ ⊛ r, u̇_k = W_k ⊛ ż_{k−1} + B_k ⊛ r, ż_k = s′(u_k) ⊙ u̇_k, with r in the second half of the inputs.</summary>
    private void TangentForward(ProximalNetworkWorkspace ws)
    {
        int n = Layout.N, c = Layout.C, m = ws.Count, plane = c * n;
        for (int k = 1; k <= Layout.K; k++)
        {
            double[] ud = ws.TangentPreactivations[k - 1];
            Array.Clear(ud);
            Convolve(Layout.Input(k), ws.InputAndDirection, n * m, ud, m, 1);
            if (k >= 2) Convolve(Layout.W(k), ws.Activations[k - 2], plane * m, ud, m, c);
            double[] s = ws.Slopes[k - 1], z = ws.Activations[k - 1];
            int offset = plane * m;
            BatchBlocks.For(plane * m, (start, end) =>
                TensorPrimitives.Multiply(s.AsSpan(start, end - start), ud.AsSpan(start, end - start), z.AsSpan(offset + start, end - start)));
        }
    }

    /// <summary>
    /// Reverse pass of φ = Σ_j Σ_c w_c Σ_p ż_K,j[c, p] + aᵀr_j + 2αy_jᵀr_j through the primal and
    /// tangent passes, with adjoints ū_k = s′⊙z̄_k + s″⊙u̇_k⊙ż̄_k and u̇̄_k = s′⊙ż̄_k: writes ∂φ/∂θ into
    /// <paramref name="gradient"/> when given, and ∂φ/∂y = ∇²ψ·r into <paramref name="hessianProduct"/> when not empty.
    /// </summary>
    private void TangentReverse(ProximalNetworkWorkspace ws, double[]? gradient, Span<double> hessianProduct)
    {
        int n = Layout.N, c = Layout.C, m = ws.Count, K = Layout.K, plane = c * n, half = plane * m;
        int height = Architecture.ImageHeight, width = Architecture.ImageWidth, size = Layout.KernelSize;
        double[] p = _parameters, g = ws.Adjoint, back = ws.Scratch, yr = ws.InputAndDirection;
        bool hvp = !hessianProduct.IsEmpty;
        double[]? hv = null;
        if (hvp)
        {
            hv = new double[n * m];
            double twoAlpha = 2 * Architecture.Alpha;
            for (int i = 0; i < n * m; i++) hv[i] = twoAlpha * yr[n * m + i];
        }
        var w = p.AsSpan(Layout.OutputWeights, c).ToArray();
        for (int k = K; k >= 1; k--)
        {
            double[] s = ws.Slopes[k - 1], curvature = ws.Curvatures[k - 1], ud = ws.TangentPreactivations[k - 1];
            bool top = k == K;
            // At the top z̄_K = 0 and ż̄_K = w_c on channel c; below, [z̄ | ż̄] = W_{k+1}ᵀ ⊛ [ū | u̇̄] sits in back.
            BatchBlocks.For(half, (start, end) =>
            {
                for (int e = start; e < end; e++)
                {
                    double zbar = top ? 0 : back[e], zdotbar = top ? w[e / n % c] : back[half + e];
                    g[e] = s[e] * zbar + curvature[e] * ud[e] * zdotbar;
                    g[half + e] = s[e] * zdotbar;
                }
            });
            if (gradient is not null)
            {
                SameConvolution.KernelGradient(g, 0, yr, 0, gradient, Layout.Input(k), 2 * m, 1, c, height, width, size);
                int bias = Layout.Bias(k);
                for (int ch = 0; ch < c; ch++)
                {
                    double sum = 0;
                    for (int j = 0; j < m; j++) sum += Sum(g.AsSpan(j * plane + ch * n, n));
                    gradient[bias + ch] = sum;
                }
                if (k >= 2) SameConvolution.KernelGradient(g, 0, ws.Activations[k - 2], 0, gradient, Layout.W(k), 2 * m, c, c, height, width, size);
            }
            if (hvp) ConvolveAdjoint(Layout.Input(k), g, hv!, 0, m, 1);
            if (k >= 2)
            {
                Array.Clear(back, 0, 2 * half);
                ConvolveAdjoint(Layout.W(k), g, back, 0, 2 * m, c);
            }
        }
        if (gradient is not null)
        {
            var zdot = ws.Activations[K - 1];
            for (int ch = 0; ch < c; ch++)
            {
                double sum = 0;
                for (int j = 0; j < m; j++) sum += Sum(zdot.AsSpan(half + j * plane + ch * n, n));
                gradient[Layout.OutputWeights + ch] = sum;
            }
            var linear = gradient.AsSpan(Layout.Linear, n);
            linear.Clear();
            for (int j = 0; j < m; j++) TensorPrimitives.Add(linear, yr.AsSpan(n * m + j * n, n), linear);
        }
        if (hvp) hv!.CopyTo(hessianProduct);
    }
}
