using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics bilevel tv-denoise --clean X.npy --noisy Y.npy [--out D.npy] [--log-weight0 W]
/// [--log-smoothing0 S]</c>: learns the weight and smoothing of smoothed-TV denoising.
/// </summary>
public sealed class BilevelTvCommand : BilevelDenoiseCommand
{
    /// <inheritdoc />
    public override string Name => "tv-denoise";

    /// <inheritdoc />
    public override string Summary => "learn the weight and smoothing of total-variation denoising from clean/noisy images";

    /// <inheritdoc />
    protected override string ModelUsage => "[--log-weight0 W] [--log-smoothing0 S]";

    /// <inheritdoc />
    protected override Func<ImageShape, double[], double[], (IBilevelProblem<double[]> Problem, double[] Theta0)> ReadModel(CliContext context)
    {
        // θ₀ = (−5, −5): MAID's TV experiment.
        double[] theta0 = [context.Arguments.Double("log-weight0", -5), context.Arguments.Double("log-smoothing0", -5)];
        return (shape, clean, noisy) =>
            (new TotalVariationDenoisingProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy), theta0);
    }

    /// <inheritdoc />
    protected override void AddFields(Dictionary<string, object?> fields, IBilevelProblem<double[]> problem, double[] theta)
    {
        fields["weight"] = Math.Exp(theta[0]);
        fields["smoothing"] = Math.Exp(theta[1]);
    }
}
