using MathNet.Numerics.LinearAlgebra;
using Numerics.Bilevel;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics bilevel ridge --a A.npy --b b.npy --target x.npy [--lambda0 L] [--out X.npy]</c>: learns
/// the ridge weight λ for which argmin ½‖Ax − b‖² + ½λ‖x‖² comes closest to the target x
/// (upper loss ½‖x − target‖²).
/// </summary>
public sealed class BilevelRidgeCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "ridge";

    /// <inheritdoc />
    public string Summary => "learn the ridge weight lambda whose solution is closest to --target";

    /// <inheritdoc />
    public string Usage => $"numerics bilevel ridge --a A.npy --b b.npy --target x.npy [--lambda0 L] [--out X.npy] {BilevelSolverOptions.Usage}";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        double lambda0 = args.Double("lambda0", 1.0, positive: true);
        var solver = new BilevelSolverOptions(context);
        bool save = args.Optional("out") is not null;
        foreach (var input in new[] { "a", "b", "target" }) args.Required(input);
        // The ridge problem's constants come from host SVDs; only the image problems have device kernels.
        if (context.Device == CliDevice.Gpu) throw new CliUsageException("numerics bilevel ridge runs on the CPU; use --device cpu");
        args.EnsureAllUsed();
        var a = context.LoadMatrix("a");
        var b = context.LoadVector("b");
        var target = context.LoadVector("target");
        if (b.Count != a.RowCount) throw new CliUsageException($"--b has {b.Count} entries; --a has {a.RowCount} rows");
        if (target.Count != a.ColumnCount) throw new CliUsageException($"--target has {target.Count} entries; --a has {a.ColumnCount} columns");
        var problem = new RidgeProblem(a, b, Matrix<double>.Build.DenseIdentity(a.ColumnCount), target);
        double started = context.Elapsed;
        var result = solver.Solve(Numerics.Arithmetic.HostVectorArithmetic.Instance, problem, [Math.Log(lambda0)]);
        double seconds = context.Elapsed - started;
        if (save) context.Save(Vector<double>.Build.Dense(result.LowerSolution));
        var fields = solver.Fields(result, seconds);
        fields["lambda"] = Math.Exp(result.Theta[0]);
        context.Summary(fields);
        return CliApp.Success;
    }

}
