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
        Forward(ws);
        PotentialOf(ws, potential);
    }

    /// <inheritdoc />
    private protected override void ProxCore(ReadOnlySpan<double> y, int m, Span<double> x)
    {
        var ws = Workspace(m);
        y.CopyTo(ws.InputAndDirection);
        Forward(ws);
        Gradient(ws, x);
    }

    /// <inheritdoc />
    private protected override void PotentialAndProxCore(ReadOnlySpan<double> y, int m, Span<double> potential, Span<double> x)
    {
        var ws = Workspace(m);
        y.CopyTo(ws.InputAndDirection);
        Forward(ws);
        PotentialOf(ws, potential);
        Gradient(ws, x);
    }

    /// <summary>
    /// The primal pass on the inputs in the first n·m entries of <see cref="ProximalNetworkWorkspace.InputAndDirection"/>:
    /// stores z_k, s′(u_k) and s″(u_k) for every layer.
    /// </summary>
    internal void Forward(ProximalNetworkWorkspace ws)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count;
        double[] p = _parameters, y = ws.InputAndDirection, pre = ws.Adjoint;
        for (int k = 1; k <= Layout.K; k++)
        {
            int bias = k == 1 ? Layout.B0 : Layout.C(k);
            for (int j = 0; j < m; j++) Array.Copy(p, bias, pre, j * h, h);
            if (k == 1)
            {
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, m, n, 1.0, p.AsSpan(Layout.A0, h * n), h, y.AsSpan(0, n * m), n, 1.0, pre.AsSpan(0, h * m), h);
            }
            else
            {
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, m, h, 1.0, p.AsSpan(Layout.W(k), h * h), h, ws.Activations[k - 2].AsSpan(0, h * m), h, 1.0, pre.AsSpan(0, h * m), h);
                Backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, h, m, n, 1.0, p.AsSpan(Layout.B(k), h * n), h, y.AsSpan(0, n * m), n, 1.0, pre.AsSpan(0, h * m), h);
            }
            Activate(pre, ws.Activations[k - 1], ws.Slopes[k - 1], ws.Curvatures[k - 1], h, m);
        }
    }

    private void Activate(double[] pre, double[] z, double[] slope, double[] curvature, int h, int m)
    {
        double beta = Architecture.Beta;
        BatchBlocks.For(h * m, (start, end) =>
            Softplus.Evaluate(pre.AsSpan(start, end - start), beta, z.AsSpan(start, end - start), slope.AsSpan(start, end - start), curvature.AsSpan(start, end - start)));
    }

    /// <summary>ψ_j = wᵀz_K,j + aᵀy_j + α‖y_j‖², after <see cref="Forward"/>.</summary>
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
    /// x = ∇ψ(y) by the reverse pass after <see cref="Forward"/>: δ_K = w ⊙ s′(u_K),
    /// δ_{k−1} = s′(u_{k−1}) ⊙ W_kᵀδ_k, x = A₀ᵀδ₁ + Σ_k B_kᵀδ_k + a + 2αy.
    /// </summary>
    internal void Gradient(ProximalNetworkWorkspace ws, Span<double> x)
    {
        int n = Layout.N, h = Layout.H, m = ws.Count;
        double alpha = Architecture.Alpha;
        double[] p = _parameters, y = ws.InputAndDirection, delta = ws.Adjoint, back = ws.Scratch;
        var w = p.AsSpan(Layout.OutputWeights, h);
        var sK = ws.Slopes[Layout.K - 1];
        for (int j = 0; j < m; j++)
            for (int i = 0; i < h; i++) delta[j * h + i] = w[i] * sK[j * h + i];
        var a = p.AsSpan(Layout.Linear, n);
        for (int j = 0; j < m; j++)
            for (int l = 0; l < n; l++) x[j * n + l] = a[l] + 2 * alpha * y[j * n + l];
        var d = delta.AsSpan(0, h * m);
        for (int k = Layout.K; k >= 2; k--)
        {
            Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, n, m, h, 1.0, p.AsSpan(Layout.B(k), h * n), h, d, h, 1.0, x, n);
            Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, h, m, h, 1.0, p.AsSpan(Layout.W(k), h * h), h, d, h, 0.0, back.AsSpan(0, h * m), h);
            var s = ws.Slopes[k - 2];
            BatchBlocks.For(h * m, (start, end) =>
                TensorPrimitives.Multiply(s.AsSpan(start, end - start), back.AsSpan(start, end - start), delta.AsSpan(start, end - start)));
        }
        Backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, n, m, h, 1.0, p.AsSpan(Layout.A0, h * n), h, d, h, 1.0, x, n);
    }
}
