using Numerics.Distributed;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics info --mpi</c>: exercises every collective of the command's communicator on data
/// that depends on the rank, so a launch can be checked end to end against a sum computed elsewhere.
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

    /// <summary>AllreduceSum of the rank data, Broadcast of the last rank's result, and AllAgree that every rank holds rank 0's bits.</summary>
    public static int Run(CliContext context)
    {
        var comm = context.Communicator;
        var sum = RankData(comm.Rank);
        comm.AllreduceSum(sum);
        // Every rank must hold the same bits: compare each rank's sum with the last rank's, sent to all.
        var last = (double[])sum.Clone();
        comm.Broadcast(last, comm.Size - 1);
        bool identical = comm.AllAgree(sum.AsSpan().SequenceEqual(last));
        context.Summary(new Dictionary<string, object?>
        {
            ["ranks"] = comm.Size,
            ["rank"] = comm.Rank,
            ["ranks_identical"] = identical,
            ["allreduce_sum"] = sum,
            ["bytes_communicated"] = comm.BytesCommunicated,
        });
        return identical ? CliApp.Success : CliApp.Failure;
    }
}
