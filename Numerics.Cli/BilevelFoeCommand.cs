using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics bilevel foe --clean X.npy --noisy Y.npy [--out D.npy] [--filters K] [--filter-size k]</c>:
/// learns a field of experts (K filters of k × k, their weights and smoothings) for denoising,
/// starting from seeded Xavier-normal filters (<c>--seed</c>).
/// </summary>
public sealed class BilevelFoeCommand : BilevelDenoiseCommand
{
    /// <inheritdoc />
    public override string Name => "foe";

    /// <inheritdoc />
    public override string Summary => "learn field-of-experts filters, weights and smoothings for denoising from clean/noisy images";

    /// <inheritdoc />
    protected override string ModelUsage => "[--filters K] [--filter-size k]";

    /// <inheritdoc />
    protected override Func<ImageShape, double[], double[], (IBilevelProblem<double[]> Problem, double[] Theta0)> ReadModel(CliContext context)
    {
        // 30 filters of 7×7: the MAID talk's setting.
        int filters = context.Arguments.Int("filters", 30, min: 1);
        int size = context.Arguments.Int("filter-size", 7, min: 1);
        return (shape, clean, noisy) =>
        {
            if (size > shape.Height || size > shape.Width)
                throw new CliUsageException($"--filter-size {size} does not fit {shape.Height}×{shape.Width} images");
            var problem = new FieldOfExpertsProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy, filters, size);
            return (problem, problem.InitialParameters(context.Seed));
        };
    }

    /// <inheritdoc />
    protected override void AddFields(Dictionary<string, object?> fields, IBilevelProblem<double[]> problem, double[] theta)
    {
        var foe = (FieldOfExpertsProblem<double[]>)problem;
        int k = foe.Filters;
        fields["filters"] = k;
        fields["filter_size"] = foe.FilterSize;
        fields["weights"] = theta[..k].Select(Math.Exp).ToArray();
        fields["smoothings"] = theta[k..(2 * k)].Select(Math.Exp).ToArray();
    }
}
