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
        v.CopyTo(ws.InputAndDirection.AsSpan(Layout.N * m));
        ws.Blocks.For((_, start, count) =>
        {
            Forward(ws, start, count);
            TangentForward(ws, start, count);
            TangentReverse(ws, start, count, null, hessianProduct: true);
        });
        ws.Output.AsSpan(0, y.Length).CopyTo(result);
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
        r.CopyTo(ws.InputAndDirection.AsSpan(Layout.N * m));
        var g = new double[ParameterCount];
        ParameterGradient(ws, g, forward: true);
        g.CopyTo(gradient);
    }

    /// <summary>
    /// The training gradient for the inputs and cotangents in the workspace, after the primal pass
    /// unless <paramref name="forward"/> asks for it: each block writes its own partial gradient,
    /// then the partials are added in block order.
    /// </summary>
    internal void ParameterGradient(ProximalNetworkWorkspace ws, double[] gradient, bool forward)
    {
        var blocks = ws.Blocks;
        double[][] partials;
        if (blocks.Count == 1) partials = [gradient];
        else
        {
            ws.PartialGradients ??= Enumerable.Range(0, blocks.Count).Select(_ => new double[ParameterCount]).ToArray();
            partials = ws.PartialGradients;
        }
        blocks.For((b, start, count) =>
        {
            if (forward) Forward(ws, start, count);
            TangentForward(ws, start, count);
            TangentReverse(ws, start, count, partials[b], hessianProduct: false);
        });
        if (blocks.Count == 1) return;
        BatchBlocks.For(gradient.Length, (from, to) =>
        {
            var target = gradient.AsSpan(from, to - from);
            partials[0].AsSpan(from, to - from).CopyTo(target);
            for (int b = 1; b < partials.Length; b++)
            {
                var partial = partials[b].AsSpan(from, to - from);
                for (int i = 0; i < target.Length; i++) target[i] += partial[i];
            }
        });
    }

    /// <summary>
    /// On columns start..start+count−1: u̇₁ = A₀r, u̇_k = W_k ż_{k−1} + B_k r, ż_k = s′(u_k) ⊙ u̇_k,
    /// with r in the second half of the inputs.
    /// </summary>
    private void TangentForward(ProximalNetworkWorkspace ws, int start, int count)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count;
        double[] p = _parameters;
        var r = ws.InputAndDirection.AsSpan(n * (m + start), n * count);
        for (int k = 1; k <= Layout.K; k++)
        {
            var ud = ws.TangentPreactivations[k - 1].AsSpan(start * h, count * h);
            if (k == 1)
            {
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, count, n, 1.0, p.AsSpan(Layout.A0, h * n), h, r, n, 0.0, ud, h);
            }
            else
            {
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, count, h, 1.0, p.AsSpan(Layout.W(k), h * h), h, ws.Activations[k - 2].AsSpan(h * (m + start), h * count), h, 0.0, ud, h);
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, count, n, 1.0, p.AsSpan(Layout.B(k), h * n), h, r, n, 1.0, ud, h);
            }
            TensorPrimitives.Multiply(ws.Slopes[k - 1].AsSpan(start * h, count * h), ud, ws.Activations[k - 1].AsSpan(h * (m + start), h * count));
        }
    }

    /// <summary>
    /// Reverse pass of φ = Σ_j wᵀż_K,j + aᵀr_j + 2αy_jᵀr_j through the primal and tangent passes on
    /// columns start..start+count−1, with adjoints ū_k = s′⊙z̄_k + s″⊙u̇_k⊙ż̄_k and u̇̄_k = s′⊙ż̄_k.
    /// Writes these columns' share of ∂φ/∂θ into <paramref name="gradient"/> when given, and
    /// ∂φ/∂y = ∇²ψ·r into the same columns of <see cref="ProximalNetworkWorkspace.Output"/> when
    /// <paramref name="hessianProduct"/> is set.
    /// </summary>
    private void TangentReverse(ProximalNetworkWorkspace ws, int start, int count, double[]? gradient, bool hessianProduct)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count, K = Layout.K, size = h * count;
        double[] p = _parameters;
        var y = ws.InputAndDirection.AsSpan(n * start, n * count);
        var r = ws.InputAndDirection.AsSpan(n * (m + start), n * count);
        // [ū | u̇̄] and [z̄ | ż̄] of these columns: their primal and tangent halves sit m columns apart.
        var g = ws.Adjoint.AsSpan(h * start, size);
        var gDot = ws.Adjoint.AsSpan(h * (m + start), size);
        var back = ws.Scratch.AsSpan(h * start, size);
        var backDot = ws.Scratch.AsSpan(h * (m + start), size);
        var hv = ws.Output.AsSpan(n * start, n * count);
        if (hessianProduct)
        {
            double twoAlpha = 2 * Architecture.Alpha;
            for (int i = 0; i < r.Length; i++) hv[i] = twoAlpha * r[i];
        }
        var w = p.AsSpan(Layout.OutputWeights, h);
        for (int k = K; k >= 1; k--)
        {
            var s = ws.Slopes[k - 1].AsSpan(h * start, size);
            var c = ws.Curvatures[k - 1].AsSpan(h * start, size);
            var ud = ws.TangentPreactivations[k - 1].AsSpan(h * start, size);
            if (k == K)
            {
                // At the top z̄_K = 0 and ż̄_K = w.
                for (int e = 0, i = 0; e < size; e++, i = i + 1 == h ? 0 : i + 1)
                {
                    double zdotbar = w[i];
                    g[e] = c[e] * ud[e] * zdotbar;
                    gDot[e] = s[e] * zdotbar;
                }
            }
            else
            {
                // Below, [z̄ | ż̄] = W_{k+1}ᵀ[ū | u̇̄] sits in back.
                for (int e = 0; e < size; e++)
                {
                    double zbar = back[e], zdotbar = backDot[e];
                    g[e] = s[e] * zbar + c[e] * ud[e] * zdotbar;
                    gDot[e] = s[e] * zdotbar;
                }
            }
            var inputWeights = p.AsSpan(k == 1 ? Layout.A0 : Layout.B(k), h * n);
            if (gradient is not null)
            {
                var inputGradient = gradient.AsSpan(k == 1 ? Layout.A0 : Layout.B(k), h * n);
                Backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, h, n, count, 1.0, g, h, y, n, 0.0, inputGradient, h);
                Backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, h, n, count, 1.0, gDot, h, r, n, 1.0, inputGradient, h);
                RowSums(g, h, count, gradient.AsSpan(k == 1 ? Layout.B0 : Layout.C(k), h));
                if (k >= 2)
                {
                    var weightGradient = gradient.AsSpan(Layout.W(k), h * h);
                    Backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, h, h, count, 1.0, g, h, ws.Activations[k - 2].AsSpan(h * start, size), h, 0.0, weightGradient, h);
                    Backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, h, h, count, 1.0, gDot, h, ws.Activations[k - 2].AsSpan(h * (m + start), size), h, 1.0, weightGradient, h);
                }
            }
            if (hessianProduct)
                Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, n, count, h, 1.0, inputWeights, h, g, h, 1.0, hv, n);
            if (k >= 2)
            {
                var weights = p.AsSpan(Layout.W(k), h * h);
                Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, h, count, h, 1.0, weights, h, g, h, 0.0, back, h);
                Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, h, count, h, 1.0, weights, h, gDot, h, 0.0, backDot, h);
            }
        }
        if (gradient is not null)
        {
            RowSums(ws.Activations[K - 1].AsSpan(h * (m + start), size), h, count, gradient.AsSpan(Layout.OutputWeights, h));
            RowSums(r, n, count, gradient.AsSpan(Layout.Linear, n));
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
