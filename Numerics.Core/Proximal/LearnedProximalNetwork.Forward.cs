using System.Numerics.Tensors;
using Numerics.LinearAlgebra;

namespace Numerics.Proximal;

public sealed partial class LearnedProximalNetwork
{
    private static LinearAlgebraBackend Backend => LinearAlgebraBackend.Current;

    /// <inheritdoc />
    private protected override void PotentialCore(ReadOnlySpan<double> y, int m, Span<double> potential)
    {
        var ws = Workspace(m);
        y.CopyTo(ws.InputAndDirection);
        ws.Blocks.For((_, start, count) => Forward(ws, start, count));
        PotentialOf(ws, potential);
    }

    /// <inheritdoc />
    private protected override void ProxCore(ReadOnlySpan<double> y, int m, Span<double> x)
    {
        var ws = Workspace(m);
        y.CopyTo(ws.InputAndDirection);
        ForwardAndGradient(ws);
        ws.Output.AsSpan(0, y.Length).CopyTo(x);
    }

    /// <inheritdoc />
    private protected override void PotentialAndProxCore(ReadOnlySpan<double> y, int m, Span<double> potential, Span<double> x)
    {
        var ws = Workspace(m);
        y.CopyTo(ws.InputAndDirection);
        ForwardAndGradient(ws);
        PotentialOf(ws, potential);
        ws.Output.AsSpan(0, y.Length).CopyTo(x);
    }

    /// <summary>
    /// The primal pass and the prox on the inputs in the first n·m entries of
    /// <see cref="ProximalNetworkWorkspace.InputAndDirection"/>, block by block: stores z_k, s′(u_k)
    /// and s″(u_k) for every layer and writes f(y) into <see cref="ProximalNetworkWorkspace.Output"/>.
    /// </summary>
    internal void ForwardAndGradient(ProximalNetworkWorkspace ws) =>
        ws.Blocks.For((_, start, count) =>
        {
            Forward(ws, start, count);
            Gradient(ws, start, count);
        });

    /// <summary>The primal pass on columns start..start+count−1: z_k, s′(u_k) and s″(u_k) for every layer.</summary>
    private void Forward(ProximalNetworkWorkspace ws, int start, int count)
    {
        int n = Layout.N, h = Layout.H;
        double[] p = _parameters;
        double beta = Architecture.Beta;
        var y = ws.InputAndDirection.AsSpan(start * n, count * n);
        var pre = ws.Adjoint.AsSpan(start * h, count * h);
        for (int k = 1; k <= Layout.K; k++)
        {
            var bias = p.AsSpan(k == 1 ? Layout.B0 : Layout.C(k), h);
            for (int j = 0; j < count; j++) bias.CopyTo(pre.Slice(j * h, h));
            if (k >= 2)
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, count, h, 1.0, p.AsSpan(Layout.W(k), h * h), h, ws.Activations[k - 2].AsSpan(start * h, count * h), h, 1.0, pre, h);
            Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, count, n, 1.0, p.AsSpan(k == 1 ? Layout.A0 : Layout.B(k), h * n), h, y, n, 1.0, pre, h);
            Softplus.Evaluate(pre, beta, ws.Activations[k - 1].AsSpan(start * h, count * h), ws.Slopes[k - 1].AsSpan(start * h, count * h), ws.Curvatures[k - 1].AsSpan(start * h, count * h));
        }
    }

    /// <summary>ψ_j = wᵀz_K,j + aᵀy_j + α‖y_j‖², after the primal pass.</summary>
    private void PotentialOf(ProximalNetworkWorkspace ws, Span<double> potential)
    {
        int n = Layout.N, h = Layout.H;
        double alpha = Architecture.Alpha;
        var w = _parameters.AsSpan(Layout.OutputWeights, h);
        var a = _parameters.AsSpan(Layout.Linear, n);
        var zK = ws.Activations[Layout.K - 1];
        var y = ws.InputAndDirection;
        for (int j = 0; j < potential.Length; j++)
        {
            double s = 0;
            for (int i = 0; i < h; i++) s += w[i] * zK[j * h + i];
            for (int l = 0; l < n; l++) s += (a[l] + alpha * y[j * n + l]) * y[j * n + l];
            potential[j] = s;
        }
    }

    /// <summary>
    /// x = ∇ψ(y) on columns start..start+count−1 by the reverse pass after their primal pass:
    /// δ_K = w ⊙ s′(u_K), δ_{k−1} = s′(u_{k−1}) ⊙ W_kᵀδ_k, x = A₀ᵀδ₁ + Σ_k B_kᵀδ_k + a + 2αy, into
    /// the same columns of <see cref="ProximalNetworkWorkspace.Output"/>.
    /// </summary>
    private void Gradient(ProximalNetworkWorkspace ws, int start, int count)
    {
        int n = Layout.N, h = Layout.H;
        double alpha = Architecture.Alpha;
        double[] p = _parameters;
        var y = ws.InputAndDirection.AsSpan(start * n, count * n);
        var x = ws.Output.AsSpan(start * n, count * n);
        var delta = ws.Adjoint.AsSpan(start * h, count * h);
        var back = ws.Scratch.AsSpan(start * h, count * h);
        var w = p.AsSpan(Layout.OutputWeights, h);
        var sK = ws.Slopes[Layout.K - 1].AsSpan(start * h, count * h);
        for (int j = 0; j < count; j++) TensorPrimitives.Multiply(w, sK.Slice(j * h, h), delta.Slice(j * h, h));
        var a = p.AsSpan(Layout.Linear, n);
        for (int j = 0; j < count; j++)
            for (int l = 0; l < n; l++) x[j * n + l] = a[l] + 2 * alpha * y[j * n + l];
        for (int k = Layout.K; k >= 2; k--)
        {
            Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, n, count, h, 1.0, p.AsSpan(Layout.B(k), h * n), h, delta, h, 1.0, x, n);
            Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, h, count, h, 1.0, p.AsSpan(Layout.W(k), h * h), h, delta, h, 0.0, back, h);
            TensorPrimitives.Multiply(ws.Slopes[k - 2].AsSpan(start * h, count * h), back, delta);
        }
        Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, n, count, h, 1.0, p.AsSpan(Layout.A0, h * n), h, delta, h, 1.0, x, n);
    }
}
