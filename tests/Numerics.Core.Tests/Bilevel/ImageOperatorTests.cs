using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>The host image operators: adjointness, brute-force definitions and the norm bound the TV constants use.</summary>
public sealed class ImageOperatorTests
{
    /// <summary>
    /// ⟨Kx, y⟩ against ⟨x, Kᵀy⟩: both are sums of the same ≤ 2·P·k² products in different orders,
    /// so they agree to about γ_n·Σ|terms| with n ≤ 10⁴; 1e-12 relative to Σ|terms| ≈ ‖x‖‖y‖·‖K‖.
    /// </summary>
    private const double Adjointness = 1e-12;



    public static TheoryData<int, int, int> Shapes => new() { { 1, 1, 1 }, { 1, 1, 7 }, { 1, 6, 1 }, { 2, 5, 4 }, { 3, 9, 13 } };

    [Theory, MemberData(nameof(Shapes))]
    public void DifferencesAreAdjointAndMatchTheirDefinition(int count, int height, int width)
    {
        var shape = new ImageShape(count, height, width);
        var x = NormalVectors.Draw(shape.Pixels, 1);
        var y = NormalVectors.Draw(2 * shape.Pixels, 2);
        var dx = new double[2 * shape.Pixels];
        var dty = new double[shape.Pixels];
        HostImageOperators.Instance.Differences(shape, x, dx);
        HostImageOperators.Instance.DifferencesAdjoint(shape, y, dty);
        double left = SpanArithmetic.Dot<double>(dx, y), right = SpanArithmetic.Dot<double>(x, dty);
        Assert.True(Math.Abs(left - right) <= Adjointness * SpanArithmetic.Norm<double>(x) * SpanArithmetic.Norm<double>(y) * 3);
        for (int n = 0; n < count; n++)
        for (int i = 0; i < height; i++)
        for (int j = 0; j < width; j++)
        {
            int k = (n * height + i) * width + j;
            Assert.Equal(j + 1 < width ? x[k + 1] - x[k] : 0, dx[k]);
            Assert.Equal(i + 1 < height ? x[k + width] - x[k] : 0, dx[shape.Pixels + k]);
        }
    }

    [Fact]
    public void DifferenceNormIsBelowEight()
    {
        var shape = new ImageShape(2, 6, 5);
        var d = Matrix<double>.Build.Dense(2 * shape.Pixels, shape.Pixels);
        var e = new double[shape.Pixels];
        var column = new double[2 * shape.Pixels];
        for (int k = 0; k < shape.Pixels; k++)
        {
            Array.Clear(e);
            e[k] = 1;
            HostImageOperators.Instance.Differences(shape, e, column);
            d.SetColumn(k, column);
        }
        double norm = d.L2Norm();
        Assert.True(norm * norm <= 8, $"‖D‖² = {norm * norm}");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void CorrelationIsAdjointInImageAndFilterAndMatchesBruteForce(int count, int height, int width)
    {
        var shape = new ImageShape(count, height, width);
        int k = Math.Min(3, Math.Min(height, width));
        var filter = NormalVectors.Draw(k * k, 3);
        var output = HostImageOperators.ResponseShape(shape, filter, k);
        var x = NormalVectors.Draw(shape.Pixels, 4);
        var y = NormalVectors.Draw(output.Pixels, 5);
        var kx = new double[output.Pixels];
        var kty = new double[shape.Pixels];
        HostImageOperators.Instance.Correlate(shape, filter, k, x, kx);
        HostImageOperators.Instance.CorrelateAdjoint(shape, filter, k, y, kty);
        double left = SpanArithmetic.Dot<double>(kx, y), right = SpanArithmetic.Dot<double>(x, kty);
        double scale = SpanArithmetic.Norm<double>(x) * SpanArithmetic.Norm<double>(y) * SpanArithmetic.SumOfMagnitudes<double>(filter);
        Assert.True(Math.Abs(left - right) <= Adjointness * scale, $"{left} vs {right}");
        // Brute force of the adjoint by scattering: Kᵀy = Σ_{out} y[out]·(the filter placed at out).
        var scattered = new double[shape.Pixels];
        for (int n = 0; n < count; n++)
        for (int i = 0; i < output.Height; i++)
        for (int j = 0; j < output.Width; j++)
        for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++)
            scattered[(n * height + i + a) * width + j + b] += filter[a * k + b] * y[(n * output.Height + i) * output.Width + j];
        for (int p = 0; p < shape.Pixels; p++) Assert.True(Math.Abs(scattered[p] - kty[p]) <= Adjointness * scale);
        // In the filter: ⟨K(c)x, y⟩ = ⟨c, G(x, y)⟩.
        var gradient = new double[k * k];
        HostImageOperators.Instance.CorrelationFilterGradient(shape, k, x, y, gradient);
        Assert.True(Math.Abs(left - SpanArithmetic.Dot<double>(filter, gradient)) <= Adjointness * scale);
    }

    [Fact]
    public void FiltersLargerThanTheImagesAreRejected()
    {
        var shape = new ImageShape(1, 4, 4);
        var ex = Assert.Throws<ArgumentException>(() => HostImageOperators.ResponseShape(shape, new double[25], 5));
        Assert.Equal("filterSize", ex.ParamName);
        Assert.Equal("filter", Assert.Throws<ArgumentException>(() => HostImageOperators.ResponseShape(shape, new double[8], 3)).ParamName);
    }

}
