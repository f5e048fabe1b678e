namespace Numerics.Optimization;

/// <summary>
/// A smooth function f: ℝⁿ → ℝ that minimisers see through values and gradients, on vectors of
/// some storage (host arrays, device buffers; see <see cref="Arithmetic.IVectorArithmetic{TVector}"/>).
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface IDifferentiableObjective<TVector>
{
    /// <summary>n, the length of x.</summary>
    int Dimension { get; }

    /// <summary>Returns f(x) and writes ∇f(x) into <paramref name="gradient"/> (a caller's buffer of length n); x is not modified.</summary>
    double Evaluate(TVector x, TVector gradient);
}

/// <summary>An objective that also supplies Hessian-vector products (for Newton–CG and for checking curvature).</summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface ITwiceDifferentiableObjective<TVector> : IDifferentiableObjective<TVector>
{
    /// <summary>result ← ∇²f(x)·v.</summary>
    void HessianVectorProduct(TVector x, TVector v, TVector result);
}
