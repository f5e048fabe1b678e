using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Cli;

/// <summary>
/// The model a denoising subcommand learns, read from its options before the images are loaded:
/// it builds its problem on whatever storage the command runs on (host arrays or device buffers)
/// and names the learned parameters in the summary.
/// </summary>
public abstract class DenoisingModel
{
    /// <summary>The problem on stacks of <paramref name="shape"/> (the stacks are copied) and its θ₀.</summary>
    /// <exception cref="CliUsageException">The model does not fit the images.</exception>
    public abstract (IBilevelProblem<TVector> Problem, double[] Theta0) Create<TVector>(
        IVectorArithmetic<TVector> arithmetic, IImageOperators<TVector> images, ImageShape shape, TVector clean, TVector noisy);

    /// <summary>Adds the learned parameters <paramref name="theta"/>, named, to the summary.</summary>
    public abstract void AddFields(Dictionary<string, object?> fields, double[] theta);
}
