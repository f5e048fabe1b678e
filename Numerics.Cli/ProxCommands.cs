using MathNet.Numerics.LinearAlgebra;
using Numerics.Proximal;

namespace Numerics.Cli;

/// <summary><c>numerics prox train|apply|regularizer</c>: learned proximal networks.</summary>
public static class ProxCommands
{
    /// <summary>The <c>prox</c> group and its actions.</summary>
    public static CliCommandGroup Group { get; } = new("prox", "learned proximal networks: train a model, apply its prox, evaluate its regulariser",
        new ProxTrainCommand(), new ProxApplyCommand(), new ProxRegularizerCommand());

    /// <summary>Loads <c>--model</c>; a missing, foreign, truncated or corrupt file is a usage error naming it.</summary>
    internal static InputConvexNetwork LoadModel(CliContext context) =>
        context.Load("model", path =>
        {
            try { return ProximalNetworkFile.Load(path); }
            catch (InvalidDataException e) { throw new CliUsageException($"--model {path}: {e.Message}"); }
        }).Value;

    /// <summary>Loads <c>--in</c> as a 1-D array whose length is a multiple of the model's input dimension.</summary>
    internal static double[] LoadPoints(CliContext context, InputConvexNetwork network)
    {
        var v = context.LoadVector("in").ToArray();
        if (v.Length == 0 || v.Length % network.InputDimension != 0)
            throw new CliUsageException($"--in holds {v.Length} values, not a positive multiple of the model's input dimension {network.InputDimension}");
        return v;
    }

    /// <summary>Writes a 1-D result to <c>--out</c>.</summary>
    internal static void Save(CliContext context, double[] values) => context.Save(Vector<double>.Build.DenseOfArray(values));
}
