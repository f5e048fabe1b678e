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
        network.PotentialAndProx(x, _psi, gradient);
        double value = _psi[0];
        for (int i = 0; i < target.Length; i++)
        {
            value -= target[i] * x[i];
            gradient[i] -= target[i];
        }
        return value;
    }

    public void HessianVectorProduct(double[] x, double[] v, double[] result) => network.HessianVectorProduct(x, v, result);
}
