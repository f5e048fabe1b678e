using Numerics.Optimization;
using Numerics.Testing;

namespace Numerics.Core.Tests.Optimization;

/// <summary>The conjugate-gradient suite on host arrays, plus the host-only shorthands.</summary>
public sealed class HostConjugateGradientTests : ConjugateGradientSuite<double[]>
{
    protected override VectorBackend<double[]> Backend => HostVectorBackend.Instance;

    [Fact]
    public void The_host_shorthand_on_a_square_linear_operator_matches_the_generic_solver()
    {
        const int n = 50;
        var a = DenseTestMatrices.WithSpectrum(DenseTestMatrices.LogSpaced(n, 1, 1e3), seed: 61);
        var values = a.ToColumnMajorArray();
        var b = DenseTestMatrices.RandomVector(n, 62);

        var viaLinear = ConjugateGradient.Solve(new DenseOperator(values, n, n, n), b);
        var viaSymmetric = ConjugateGradient.Solve(new SymmetricLinearOperator(new DenseOperator(values, n, n, n)), b);

        Assert.Equal(SolverStatus.Converged, viaLinear.Status);
        Assert.Equal(viaSymmetric.X, viaLinear.X);
        Assert.True(DenseTestMatrices.ResidualNorm(a, viaLinear.X, b) <= ConjugateGradientOptions<double[]>.DefaultTolerance * DenseTestMatrices.Norm(b));
    }

    [Fact]
    public void A_rectangular_linear_operator_is_rejected()
    {
        var op = new DenseOperator(new double[12], 3, 4, 3);
        Assert.Throws<ArgumentException>("a", () => new SymmetricLinearOperator(op));
        Assert.Throws<ArgumentException>("a", () => ConjugateGradient.Solve(op, new double[3]));
        Assert.Throws<ArgumentNullException>("a", () => new SymmetricLinearOperator(null!));
    }
}
