using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>
/// F(u) = ψ(u) − ⟨x, u⟩ for one target x: convex (2α-strongly when α &gt; 0), with ∇F(u) = f(u) − x,
/// so its minimiser ŷ is the preimage f⁻¹(x) and ∇F is the inversion residual.
/// </summary>
internal sealed class InversionObjective(InputConvexNetwork network, double[] target) : ITwiceDifferentiableObjective<double[]>
{
    private readonly double[] _psi = new double[1];

    public int Dimension => target.Length;

    public double Evaluate(double[] x, double[] gradient)
    {
        // A trial point can overflow when F is unbounded below (x outside the range of f, α = 0); the
        // network refuses it, so report a non-finite value, which the line search backs off from.
        if (!x.All(double.IsFinite)) { Array.Fill(gradient, double.NaN); return double.NaN; }
        network.PotentialAndProx(x, _psi, gradient);
        double value = _psi[0];
        for (int i = 0; i < target.Length; i++)
        {
            value -= target[i] * x[i];
            gradient[i] -= target[i];
        }
        return value;
    }

    public void HessianVectorProduct(double[] x, double[] v, double[] result)
    {
        if (!x.All(double.IsFinite) || !v.All(double.IsFinite)) { Array.Fill(result, double.NaN); return; }
        network.HessianVectorProduct(x, v, result);
    }
}
