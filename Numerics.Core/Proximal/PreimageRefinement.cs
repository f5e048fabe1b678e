using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>
/// Newton steps on F(u) = ψ(u) − ⟨x, u⟩ after L-BFGS: u ← u − ∇²ψ(u)⁻¹(f(u) − x), the system solved
/// by the shared conjugate gradients on Hessian-vector products.
/// </summary>
/// <remarks>
/// L-BFGS judges steps by the decrease of F, and near ŷ that decrease, ≈ ‖f(u) − x‖²/(2λ), falls
/// below the rounding of F long before the residual reaches 1e-10: it stops with the residual near
/// √(u·|F|·λ). Newton's step needs no value, only the residual, and converges quadratically on the
/// convex F; a step is kept only when it lowers the residual, so refinement never makes the answer
/// worse.
/// </remarks>
internal static class PreimageRefinement
{
    /// <summary>At most this many Newton steps: from a residual near 1e-8 quadratic convergence needs two or three.</summary>
    private const int MaxSteps = 8;

    /// <summary>CG's relative tolerance for the Newton system: the step's error is then ≈ 1e-12 of the step.</summary>
    private const double SystemTolerance = 1e-12;

    /// <summary>Refines <paramref name="u"/> in place; returns the residual ‖f(u) − x‖₂ at the returned u.</summary>
    public static double Refine(InputConvexNetwork network, double[] target, double[] u, double bound)
    {
        int n = target.Length;
        var g = new double[n];
        var trial = new double[n];
        var trialG = new double[n];
        double residual = Residual(network, target, u, g);
        var hessian = new InversionHessian(network, u);
        for (int step = 0; step < MaxSteps && residual > bound; step++)
        {
            var cg = ConjugateGradient.Solve(hessian, g, null, new ConjugateGradientOptions<double[]> { Tolerance = SystemTolerance });
            for (int i = 0; i < n; i++) trial[i] = u[i] - cg.X[i];
            if (!trial.All(double.IsFinite)) break;
            double next = Residual(network, target, trial, trialG);
            if (!(next < residual)) break;
            trial.CopyTo(u, 0);
            trialG.CopyTo(g, 0);
            residual = next;
        }
        return residual;
    }

    private static double Residual(InputConvexNetwork network, double[] target, double[] u, double[] g)
    {
        network.Prox(u, g);
        double s = 0;
        for (int i = 0; i < g.Length; i++)
        {
            g[i] -= target[i];
            s += g[i] * g[i];
        }
        return Math.Sqrt(s);
    }

    /// <summary>∇²ψ(u) as a symmetric operator, u read at each product.</summary>
    private sealed class InversionHessian(InputConvexNetwork network, double[] u) : ISymmetricOperator<double[]>
    {
        public int Dimension => u.Length;

        public void Apply(double[] x, double[] y)
        {
            // Outside the range of f (α = 0) ∇²ψ(u) is nearly singular and CG's iterate can overflow;
            // the network refuses a non-finite direction, so answer NaN: CG then ends in Breakdown and
            // the step is discarded, instead of the evaluation throwing.
            if (!x.All(double.IsFinite)) { Array.Fill(y, double.NaN); return; }
            network.HessianVectorProduct(u, x, y);
        }
    }
}
