using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Transport;

/// <summary>
/// Quadratically-regularised optimal transport (Blondel, Seguy &amp; Rolet, AISTATS 2018):
/// min_{T ∈ U(a,b)} ⟨T, C⟩ + (γ/2)‖T‖², the baseline of <see cref="SparseTransport"/> without a
/// sparsity constraint. It is the same solver with k = m, where the k-sparse projection is the plain
/// simplex projection; its plans are sparse anyway, though their support is not bounded in advance.
/// </summary>
public static class QuadraticTransport
{
    /// <summary>Solves (C, a, b) with the quadratic regulariser; see <see cref="SparseTransport.Solve(Matrix{double}, Vector{double}, Vector{double}, int, SparseTransportOptions?)"/>.</summary>
    /// <exception cref="ArgumentException">Bad input, named by the parameter.</exception>
    public static SparseTransportResult Solve(Matrix<double> cost, Vector<double> a, Vector<double> b, SparseTransportOptions? options = null)
    {
        var problem = TransportProblem.Create(cost, a, b);
        return SparseTransport.Solve(problem, problem.Rows, options);
    }
}
