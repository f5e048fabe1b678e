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
    protected override DenoisingModel ReadModel(CliContext context)
    {
        // 30 filters of 7×7: the MAID talk's setting.
        int filters = context.Arguments.Int("filters", 30, min: 1);
        int size = context.Arguments.Int("filter-size", 7, min: 1);
        return new FieldOfExpertsModel(filters, size, context.Seed);
    }

    private sealed class FieldOfExpertsModel(int filters, int size, ulong seed) : DenoisingModel
    {
        public override (IBilevelProblem<TVector> Problem, double[] Theta0) Create<TVector>(
            IVectorArithmetic<TVector> arithmetic, IImageOperators<TVector> images, ImageShape shape, TVector clean, TVector noisy)
        {
            if (size > shape.Height || size > shape.Width)
                throw new CliUsageException($"--filter-size {size} does not fit {shape.Height}×{shape.Width} images");
            var problem = new FieldOfExpertsProblem<TVector>(arithmetic, images, shape, clean, noisy, filters, size);
            return (problem, problem.InitialParameters(seed));
        }

        public override void AddFields(Dictionary<string, object?> fields, double[] theta)
        {
            fields["filters"] = filters;
            fields["filter_size"] = size;
            fields["weights"] = theta[..filters].Select(Math.Exp).ToArray();
            fields["smoothings"] = theta[filters..(2 * filters)].Select(Math.Exp).ToArray();
        }
    }
}
