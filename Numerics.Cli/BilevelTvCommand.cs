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
    protected override DenoisingModel ReadModel(CliContext context) =>
        // θ₀ = (−5, −5): MAID's TV experiment.
        new TotalVariationModel([context.Arguments.Double("log-weight0", -5), context.Arguments.Double("log-smoothing0", -5)]);

    private sealed class TotalVariationModel(double[] theta0) : DenoisingModel
    {
        public override (IBilevelProblem<TVector> Problem, double[] Theta0) Create<TVector>(
            IVectorArithmetic<TVector> arithmetic, IImageOperators<TVector> images, ImageShape shape, TVector clean, TVector noisy) =>
            (new TotalVariationDenoisingProblem<TVector>(arithmetic, images, shape, clean, noisy), theta0);

        public override void AddFields(Dictionary<string, object?> fields, double[] theta)
        {
            fields["weight"] = Math.Exp(theta[0]);
            fields["smoothing"] = Math.Exp(theta[1]);
        }
    }
}
