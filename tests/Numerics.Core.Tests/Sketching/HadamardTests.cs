using System.Numerics;
using Numerics.Sketching;

namespace Numerics.Core.Tests.Sketching;

public class HadamardTests
{
    /// <summary>Explicit Sylvester matrix entry, independent of the fast transform.</summary>
    private static int H(int i, int j) => (BitOperations.PopCount((uint)(i & j)) & 1) == 0 ? 1 : -1;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(1024)]
    [InlineData(1 << 15)]
    public void Transform_matches_the_explicit_Hadamard_matrix(int n)
    {
        var x = TestData.Random(n, n);
        var y = (double[])x.Clone();
        Hadamard.Transform<double>(y);
        // Check a spread of output entries against the explicit product (all of them for small n).
        int step = Math.Max(1, n / 97);
        for (int i = 0; i < n; i += step)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += H(i, j) * x[j];
            Assert.Equal(s, y[i], 1e-12 * Math.Sqrt(n) * 4);
        }
    }

    [Fact]
    public void Single_precision_transform_matches_double()
    {
        var x = TestData.RandomSingle(512, 3);
        var xd = Array.ConvertAll(x, v => (double)v);
        Hadamard.Transform<float>(x);
        Hadamard.Transform<double>(xd);
        for (int i = 0; i < x.Length; i++) Assert.Equal(xd[i], x[i], 1e-4);
    }

    [Fact]
    public void Transform_twice_is_N_times_identity()
    {
        var x = TestData.Random(256, 5);
        var y = (double[])x.Clone();
        Hadamard.Transform<double>(y);
        Hadamard.Transform<double>(y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(256 * x[i], y[i], 1e-12);
    }

    [Theory]
    [InlineData(1, 3, 3)]
    [InlineData(8, 5, 7)]
    [InlineData(32, 9, 12)]
    [InlineData(128, 4, 4)]
    public void Row_transform_applies_H_to_every_column_and_leaves_padding_alone(int rows, int width, int stride)
    {
        var data = TestData.Random(rows * stride, rows + width);
        var original = (double[])data.Clone();
        Hadamard.TransformRows<double>(data, rows, width, stride);
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < stride; c++)
            {
                if (c >= width) { Assert.Equal(original[i * stride + c], data[i * stride + c]); continue; }
                double s = 0;
                for (int j = 0; j < rows; j++) s += H(i, j) * original[j * stride + c];
                Assert.Equal(s, data[i * stride + c], 1e-12 * rows);
            }
    }

    [Fact]
    public void Non_power_of_two_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>("x", () => Hadamard.Transform<double>(new double[6]));
        Assert.Throws<ArgumentException>("x", () => Hadamard.Transform<double>(Span<double>.Empty));
        Assert.Throws<ArgumentException>("rows", () => Hadamard.TransformRows<double>(new double[12], 3, 4, 4));
        Assert.Throws<ArgumentException>("rowStride", () => Hadamard.TransformRows<double>(new double[16], 4, 4, 3));
        Assert.Throws<ArgumentException>("data", () => Hadamard.TransformRows<double>(new double[15], 4, 4, 4));
    }
}
