using MathNet.Numerics.LinearAlgebra;
using Numerics.Transport;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics info --mpi</c>: exercises every collective of the command's communicator on data
/// that depends on the rank, and a column-split transport solve, so a launch can be checked end to
/// end against a sum and a solve computed elsewhere.
/// </summary>
internal static class MpiDiagnostic
{
    /// <summary>Entries of the reduced vector: enough that rounding differs between summation orders somewhere.</summary>
    public const int Length = 64;

    /// <summary>
    /// Rank <paramref name="rank"/>'s contribution: magnitudes spread over six decades and mixed
    /// signs, so that ((v₀ + v₁) + v₂) and v₀ + (v₁ + v₂) differ in the last bits for some entries
    /// and a reduction in another order is caught.
    /// </summary>
    public static double[] RankData(int rank)
    {
        var v = new double[Length];
        for (int i = 0; i < Length; i++) v[i] = Math.Sin(0.7 * i + 1.3 * (rank + 1)) * Math.Pow(10, (i + 2 * rank) % 7 - 3);
        return v;
    }

    /// <summary>The most non-zeros per column of the diagnostic transport solve.</summary>
    public const int TransportK = 3;

    /// <summary>The diagnostic transport problem, 10 × 24, built from a formula so that every rank and a test build the same numbers.</summary>
    public static TransportProblem TransportProblem()
    {
        const int m = 10, n = 24;
        var cost = Matrix<double>.Build.Dense(m, n, (i, j) => Math.Abs(Math.Sin(12.9898 * i + 78.233 * j)));
        var a = Vector<double>.Build.Dense(m, i => 1 + 0.1 * i);
        var b = Vector<double>.Build.Dense(n, j => 2 + Math.Cos(j));
        return Numerics.Transport.TransportProblem.Create(cost, a / a.Sum(), b / b.Sum());
    }

    /// <summary>The options of the diagnostic transport solve.</summary>
    public static SparseTransportOptions TransportOptions => new() { Gamma = 0.5 };

    /// <summary>
    /// AllreduceSum of the rank data, Broadcast of the last rank's result, AllAgree that every rank
    /// holds rank 0's bits; then the diagnostic transport problem solved with its columns split
    /// over the ranks (when there are at most 24).
    /// </summary>
    public static int Run(CliContext context)
    {
        var comm = context.Communicator;
        var sum = RankData(comm.Rank);
        comm.AllreduceSum(sum);
        // Every rank must hold the same bits: compare each rank's sum with the last rank's, sent to all.
        var last = (double[])sum.Clone();
        comm.Broadcast(last, comm.Size - 1);
        bool identical = comm.AllAgree(sum.AsSpan().SequenceEqual(last));
        long bytes = comm.BytesCommunicated;
        var problem = TransportProblem();
        DistributedSparseTransportResult? transport = null;
        if (comm.Size <= problem.Columns)
        {
            var block = TransportColumnBlock.Split(problem, comm.Size)[comm.Rank];
            transport = DistributedSparseTransport.Solve([block], TransportK, comm, TransportOptions);
            var alpha = transport.Alpha.ToArray();
            var lastAlpha = (double[])alpha.Clone();
            comm.Broadcast(lastAlpha, comm.Size - 1);
            identical = comm.AllAgree(identical && alpha.AsSpan().SequenceEqual(lastAlpha));
        }
        context.Summary(new Dictionary<string, object?>
        {
            ["ranks"] = comm.Size,
            ["rank"] = comm.Rank,
            ["ranks_identical"] = identical,
            ["allreduce_sum"] = sum,
            ["bytes_communicated"] = bytes,
            ["ot_alpha"] = transport?.Alpha.ToArray(),
            ["ot_dual_value"] = transport?.DualValue,
            ["ot_status"] = transport?.Status.ToString(),
            ["ot_iterations"] = transport?.Iterations,
            ["ot_bytes_communicated"] = transport?.BytesCommunicated,
        });
        return identical ? CliApp.Success : CliApp.Failure;
    }
}
