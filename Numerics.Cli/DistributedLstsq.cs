using System.Runtime.ExceptionServices;
using Numerics.Distributed;
using Numerics.IO;
using Numerics.Sketching;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics lstsq</c> over row blocks: run on every rank of <see cref="CliContext.Communicator"/>
/// (one process with <c>--row-blocks R</c>, or R ranks under MPI), and with <c>--stream</c> reading A
/// from the file chunk by chunk instead of loading the rank's rows.
/// </summary>
/// <remarks>
/// The row blocks are <see cref="RowPartition"/>'s: <c>--row-blocks B</c> (default: the rank count)
/// splits the n rows into B blocks, which must be a multiple of the rank count R; rank r holds blocks
/// r·B/R … (r+1)·B/R − 1. So a one-process run with <c>--row-blocks R</c> and an R-rank run solve
/// over the same blocks and give the same bits. Every rank opens the same <c>.npy</c> files; rank 0
/// alone writes <c>--out</c> and prints the JSON line, which adds <c>ranks</c>, <c>row_blocks</c>,
/// <c>stream</c> and <c>bytes_communicated</c> (the sum over ranks of the payload bytes of the solve's
/// collectives). A rank that fails (its file, its block, the output) makes every rank fail: the ranks
/// agree after reading their blocks and after writing the output.
/// </remarks>
internal static class DistributedLstsq
{
    public static int Run(CliContext context, SketchedLeastSquaresOptions options, int? rowBlocks, bool stream)
    {
        var communicator = context.Communicator;
        int ranks = communicator.Size, rank = communicator.Rank;
        int blocks = rowBlocks ?? ranks;
        if (blocks % ranks != 0) throw new CliUsageException($"--row-blocks ({blocks}) must be a multiple of the rank count {ranks}");
        if (!stream && options.Sketch == SketchKind.Srht && ranks > 1)
            context.Error.WriteLine("note: an SRHT holds an N×(d+1) buffer of the global padded size on every rank; countsketch or gaussian keep O(m·d)");
        if (stream && options.Sketch == SketchKind.Srht)
            throw new CliUsageException("--stream needs --sketch countsketch or gaussian: a streamed SRHT would hold an N×(d+1) buffer, the size of A");

        // Reading: everything a rank can fail at before the first collective, agreed on together.
        NpyMappedMatrix? file = null;
        var mine = new List<RowBlock>();
        long n = 0;
        int d = 0;
        ExceptionDispatchInfo? failure = null;
        try
        {
            file = context.Load("a", NpyMappedMatrix.Open).Value;
            n = file.Rows;
            d = file.Columns;
            var b = context.LoadVector("b");
            if (b.Count != n) throw new CliUsageException($"--b has length {b.Count} but --a has {n} rows");
            if (n < d) throw new CliUsageException($"--a must be tall (rows ≥ columns), got {n}×{d}");
            if (d < 1) throw new CliUsageException("--a has no columns");
            if (n < blocks) throw new CliUsageException($"--a has {n} rows, fewer than the {blocks} row blocks");
            if (options.Rows is { } m && m < d) throw new CliUsageException($"--rows must be at least the column count {d}, got {m}");
            int per = blocks / ranks;
            var bValues = b.AsArray() ?? b.ToArray();
            for (int k = rank * per; k < (rank + 1) * per; k++)
            {
                var (offset, count) = RowPartition.Block(n, blocks, k);
                var bPart = bValues.AsSpan((int)offset, (int)count);
                mine.Add(stream ? RowBlock.Mapped(file, offset, (int)count, bPart) : Load(file, offset, (int)count, bPart));
            }
        }
        catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        try
        {
            bool all = communicator.AllAgree(failure is null);
            failure?.Throw();
            if (!all) throw new RankFailureException("another rank failed to read its rows of --a or --b; see its error");

            var started = context.Elapsed;
            var result = DistributedLeastSquares.Solve(communicator, mine, n, options with
            {
                Progress = rank == 0 ? new ImmediateProgress(p => context.Progress(p.Iteration, p.Objective, p.Residual)) : null,
            });
            double seconds = context.Elapsed - started;
            var bytes = new[] { (double)communicator.BytesCommunicated };
            communicator.AllreduceSum(bytes);

            ExceptionDispatchInfo? saved = null;
            if (rank == 0)
            {
                try { context.Save(result.X); }
                catch (Exception e) { saved = ExceptionDispatchInfo.Capture(e); }
            }
            bool written = communicator.AllAgree(saved is null);
            saved?.Throw();
            if (!written) throw new RankFailureException("rank 0 could not write --out; see its error");
            if (rank == 0)
                context.Summary(new Dictionary<string, object?>
                {
                    ["method"] = LstsqCommand.Methods.WordOf(result.Method),
                    ["method_reason"] = result.MethodReason,
                    ["sketch"] = options.Sketch.ToString().ToLowerInvariant(),
                    ["rows"] = result.SketchRows,
                    ["n"] = n,
                    ["d"] = d,
                    ["ranks"] = ranks,
                    ["row_blocks"] = blocks,
                    ["stream"] = stream,
                    ["bytes_communicated"] = (long)bytes[0],
                    ["input_dtype"] = file!.DType.ToString().ToLowerInvariant(),
                    ["device"] = "cpu",
                    ["seconds"] = seconds,
                    ["sketch_seconds"] = result.SketchSeconds,
                    ["residual_norm"] = result.ResidualNorm,
                    ["normal_residual_norm"] = result.NormalResidualNorm,
                    ["relative_normal_residual"] = result.RelativeNormalResidual,
                    ["iterations"] = result.Iterations,
                    ["status"] = result.Status.ToString(),
                    ["stop_test"] = result.StopTest.ToString(),
                    ["rank"] = result.Rank,
                    ["rcond"] = result.Rcond,
                    ["singular_values"] = result.SingularValues,
                    ["preconditioned_condition"] = result.PreconditionedCondition,
                });
            return 0;
        }
        finally { file?.Dispose(); }
    }

    /// <summary>The rows [offset, offset + count) of the file loaded into memory (a non-finite entry is an error naming the file).</summary>
    private static RowBlock Load(NpyMappedMatrix file, long offset, int count, ReadOnlySpan<double> b)
    {
        var values = new double[(long)count * file.Columns];
        file.CopyRows(offset, count, values, count);
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(values))
        {
            int bad = Array.FindIndex(values, v => !double.IsFinite(v));
            throw new InvalidDataException($"{file.Path}: row {offset + bad % count}, column {bad / count} holds {values[bad]}");
        }
        return RowBlock.InMemory(offset, MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(count, file.Columns, values),
            MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b.ToArray()));
    }
}
