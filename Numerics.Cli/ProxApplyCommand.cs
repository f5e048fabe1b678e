using Numerics.Proximal;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics prox apply --model M.lpn --in Y.npy --out X.npy</c>: the learned prox f(y), applied to
/// each block of n consecutive values of a 1-D array (for a scalar model, to each value).
/// </summary>
public sealed class ProxApplyCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "apply";

    /// <inheritdoc />
    public string Summary => "apply a model's learned prox to the points of a 1-D array";

    /// <inheritdoc />
    public string Usage => "numerics prox apply --model M.lpn --in Y.npy --out X.npy";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        args.Required("model");
        args.Required("in");
        args.Required("out");
        args.EnsureAllUsed();
        var network = ProxCommands.LoadModel(context);
        var y = ProxCommands.LoadPoints(context, network);
        var started = context.Elapsed;
        var x = new double[y.Length];
        network.Prox(y, x);
        double seconds = context.Elapsed - started;
        ProxCommands.Save(context, x);
        context.Summary(new Dictionary<string, object?>
        {
            ["points"] = y.Length / network.InputDimension,
            ["dimension"] = network.InputDimension,
            ["seconds"] = seconds,
        });
        return 0;
    }
}
