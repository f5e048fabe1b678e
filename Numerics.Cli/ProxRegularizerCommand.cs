using Numerics.Optimization;
using Numerics.Proximal;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics prox regularizer --model M.lpn --in X.npy --out R.npy [--tol T] [--max-iter K]</c>:
/// R_θ at each block of n consecutive values of a 1-D array, by inverting the prox.
/// </summary>
public sealed class ProxRegularizerCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "regularizer";

    /// <inheritdoc />
    public string Summary => "evaluate a model's regulariser R at the points of a 1-D array (inversion residual reported)";

    /// <inheritdoc />
    public string Usage => "numerics prox regularizer --model M.lpn --in X.npy --out R.npy [--tol T] [--max-iter K]";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        args.Required("model");
        args.Required("in");
        args.Required("out");
        double tol = args.Double("tol", RegularizerOptions.DefaultTolerance, positive: true);
        int maxIter = args.Int("max-iter", RegularizerOptions.DefaultMaxIterations, min: 1);
        args.EnsureAllUsed();
        if (context.Device == CliDevice.Gpu) throw new CliUsageException("numerics prox regularizer runs on the CPU; use --device cpu");
        var network = ProxCommands.LoadModel(context);
        var x = ProxCommands.LoadPoints(context, network);
        var started = context.Elapsed;
        var r = LearnedRegularizer.Evaluate(network, x, new RegularizerOptions { Tolerance = tol, MaxIterations = maxIter });
        double seconds = context.Elapsed - started;
        ProxCommands.Save(context, r.Values);
        int converged = r.Statuses.Count(s => s == SolverStatus.Converged);
        context.Summary(new Dictionary<string, object?>
        {
            ["points"] = r.Values.Length,
            ["dimension"] = network.InputDimension,
            ["seconds"] = seconds,
            ["residual"] = r.MaxResidual,
            ["tolerance"] = tol,
            ["converged_points"] = converged,
            ["converged"] = converged == r.Values.Length,
        });
        return 0;
    }
}
