using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>L-BFGS on host arrays: <see cref="Lbfgs{TVector}"/> with <see cref="HostVectorArithmetic"/>.</summary>
public static class Lbfgs
{
    /// <summary>Minimises <paramref name="objective"/> from <paramref name="x0"/> (not modified); see <see cref="Lbfgs{TVector}.Minimize"/>.</summary>
    /// <param name="objective">f and ∇f on double arrays.</param>
    /// <param name="x0">The starting point.</param>
    /// <param name="options">Null: the defaults of <see cref="LbfgsOptions"/>.</param>
    /// <exception cref="ArgumentException">As <see cref="Lbfgs{TVector}.Minimize"/>.</exception>
    public static LbfgsResult<double[]> Minimize(IDifferentiableObjective<double[]> objective, double[] x0, LbfgsOptions? options = null) =>
        new Lbfgs<double[]>(HostVectorArithmetic.Instance).Minimize(objective, x0, options);
}
