using Numerics.Optimization;
using Numerics.Spectral;
using Numerics.Testing;
using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.Optimization;

public class AdamTests
{
    private static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerances.AdamStep * (Math.Abs(expected) + 1e-2), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Two_AdamW_steps_match_the_bias_corrected_formula_written_out()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, decay = 0.1;
        var adam = new Adam(3, new AdamOptions { LearningRate = lr, Beta1 = b1, Beta2 = b2, Epsilon = eps, WeightDecay = decay });
        double[] theta0 = [1.0, -2.0, 0.5];
        double[] g1 = [0.3, -0.1, 0.0];
        double[] g2 = [-0.2, 0.4, 1e-3];
        var theta = (double[])theta0.Clone();

        adam.Step(theta, g1);
        adam.Step(theta, g2);

        for (int i = 0; i < 3; i++)
        {
            // Step 1: m = (1 − β₁)g₁, v = (1 − β₂)g₁², m̂ = m/(1 − β₁), v̂ = v/(1 − β₂).
            double m1 = (1 - b1) * g1[i], v1 = (1 - b2) * g1[i] * g1[i];
            double u1 = m1 / (1 - b1) / (Math.Sqrt(v1 / (1 - b2)) + eps);
            double t1 = (1 - lr * decay) * theta0[i] - lr * u1;
            // Step 2: the EMAs continue, the corrections use β².
            double m2 = b1 * m1 + (1 - b1) * g2[i], v2 = b2 * v1 + (1 - b2) * g2[i] * g2[i];
            double u2 = m2 / (1 - b1 * b1) / (Math.Sqrt(v2 / (1 - b2 * b2)) + eps);
            double t2 = (1 - lr * decay) * t1 - lr * u2;
            Near(t2, theta[i]);
            Near(m2, adam.FirstMoment[i]);
            Near(v2, adam.SecondMoment[i]);
        }
        Assert.Equal(2, adam.StepCount);
    }

    [Fact]
    public void Direction_writes_the_bias_corrected_direction_and_leaves_parameters_to_the_caller()
    {
        var adam = new Adam(2);
        var u = new double[2];
        adam.Direction([2.0, -1e-3], u);
        // Defaults β = (0.9, 0.999), ε = 1e-8: step 1 gives g/(|g| + ε).
        Near(2.0 / (2.0 + 1e-8), u[0]);
        Near(-1e-3 / (1e-3 + 1e-8), u[1]);
        adam.Direction([0.0, 0.0], u);
        double m = 0.9 * 0.1 * 2.0, v = 0.999 * 0.001 * 4.0;
        Near(m / (1 - 0.81) / (Math.Sqrt(v / (1 - 0.999 * 0.999)) + 1e-8), u[0]);
        Assert.Equal(2, adam.StepCount);
    }

    [Fact]
    public void Step_with_an_explicit_learning_rate_uses_it_and_defaults_are_PyTorchs()
    {
        var o = new AdamOptions();
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0), (o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay));
        var adam = new Adam(1);
        double[] theta = [5.0];
        adam.Step(theta, [4.0], 0.5);
        Near(5.0 - 0.5 * 4.0 / (4.0 + 1e-8), theta[0]);
    }

    [Fact]
    public void The_SPECTRA_AdamW_without_clipping_is_Adam_on_the_column_major_values()
    {
        var w = Matrix<double>.Build.Dense(3, 2, DenseTestMatrices.RandomVector(6, 71));
        var theta = w.ToColumnMajorArray();
        var spectral = new AdamW(new AdamWOptions { LearningRate = 0.05, WeightDecay = 0.2, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6, Spectra = null });
        var adam = new Adam(6, new AdamOptions { LearningRate = 0.05, WeightDecay = 0.2, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6 });
        for (int step = 0; step < 3; step++)
        {
            var g = Matrix<double>.Build.Dense(3, 2, DenseTestMatrices.RandomVector(6, 72 + step));
            spectral.Step(new Dictionary<string, Matrix<double>> { ["w"] = w }, new Dictionary<string, Matrix<double>> { ["w"] = g });
            adam.Step(theta, g.ToColumnMajorArray());
        }
        var actual = w.ToColumnMajorArray();
        for (int i = 0; i < 6; i++) Near(theta[i], actual[i]);
    }

    [Fact]
    public void Bad_input_is_rejected_naming_the_parameter_and_changes_no_state()
    {
        Assert.Throws<ArgumentException>("length", () => new Adam(-1));
        Assert.Throws<ArgumentException>("options", () => new Adam(2, new AdamOptions { LearningRate = 0 }));
        Assert.Throws<ArgumentException>("options", () => new Adam(2, new AdamOptions { LearningRate = double.PositiveInfinity }));
        Assert.Throws<ArgumentException>("options", () => new Adam(2, new AdamOptions { Beta1 = 1 }));
        Assert.Throws<ArgumentException>("options", () => new Adam(2, new AdamOptions { Beta2 = -0.1 }));
        Assert.Throws<ArgumentException>("options", () => new Adam(2, new AdamOptions { Epsilon = 0 }));
        Assert.Throws<ArgumentException>("options", () => new Adam(2, new AdamOptions { WeightDecay = double.NaN }));
        Assert.Throws<ArgumentException>("options", () => new Adam(2, new AdamOptions { LearningRate = 0.5, WeightDecay = 2 }));

        var adam = new Adam(2);
        adam.Step(new double[] { 1, 2 }, [0.5, -0.5]);
        var m = adam.FirstMoment.ToArray();
        var v = adam.SecondMoment.ToArray();
        double[] theta = [1.0, 2.0];
        Assert.Throws<ArgumentException>("gradient", () => adam.Step(theta, [1.0]));
        Assert.Throws<ArgumentException>("gradient", () => adam.Step(theta, [1.0, double.NaN]));
        Assert.Throws<ArgumentException>("parameters", () => adam.Step(new double[3], [1.0, 1.0]));
        Assert.Throws<ArgumentException>("parameters", () => adam.Step(new[] { double.PositiveInfinity, 0 }, [1.0, 1.0]));
        Assert.Throws<ArgumentException>("learningRate", () => adam.Step(theta, [1.0, 1.0], -1));
        Assert.Throws<ArgumentException>("gradient", () => adam.Step(theta, [1e200, 1.0]));   // g² would overflow v
        Assert.Throws<ArgumentException>("gradient", () => adam.Direction([1.0, -1e155], new double[2]));
        var decaying = new Adam(2, new AdamOptions { WeightDecay = 0.5 });
        Assert.Throws<ArgumentException>("learningRate", () => decaying.Step(new double[2], [1.0, 1.0], 2.0));
        Assert.Equal(0, decaying.StepCount);
        Assert.Throws<ArgumentException>("gradient", () => adam.Direction([1.0, 2.0, 3.0], new double[2]));
        Assert.Throws<ArgumentException>("direction", () => adam.Direction([1.0, 2.0], new double[1]));

        Assert.Equal(1, adam.StepCount);
        Assert.Equal(m, adam.FirstMoment.ToArray());
        Assert.Equal(v, adam.SecondMoment.ToArray());
        Assert.Equal([1.0, 2.0], theta);
    }
}
