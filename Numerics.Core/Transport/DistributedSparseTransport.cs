using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Distributed;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Sparsity-constrained optimal transport (<see cref="SparseTransport"/>) with the columns of C split
/// over the ranks of an <see cref="ICommunicator"/>: each rank holds a contiguous column block of C
/// and b (<see cref="TransportColumnBlock"/>) and all of a, evaluates its columns, and the value
/// and T·1 are summed over the ranks; every rank runs the shared L-BFGS on the same reduced numbers,
/// so the potentials stay identical everywhere.
/// </summary>
/// <remarks>
/// <para>
/// Bits: R ranks with one block each give exactly the result of one process holding the same R
/// blocks (<see cref="SingleProcessCommunicator"/>), and one block gives exactly
/// <see cref="SparseTransport.Solve(TransportProblem, int, SparseTransportOptions?)"/>. Different
/// partitions differ only by the order of the sums over columns, so their results agree to the
/// solver's tolerance, not to the bit.
/// </para>
/// <para>
/// Communication per evaluation: one AllreduceSum of m + 1 doubles (semi-dual) or m + n + 2 (dual);
/// once per solve, the ranks' block layout and cost range (6 doubles per rank), a broadcast of a
/// (m doubles), and the certificate sums. Identical iterates assume every rank runs the same
/// build on the same instruction set (the SIMD width changes the rounding of the vector kernels).
/// </para>
/// <para>
/// Cancellation and progress are per rank: a cancellation must reach every rank at the same
/// iteration, or the ranks would stop at different collectives. Leave the token unset under MPI.
/// </para>
/// </remarks>
public static class DistributedSparseTransport
{
    /// <summary>Solves the problem whose column blocks are spread over the ranks of <paramref name="communicator"/>; collective: every rank calls it with its own blocks.</summary>
    /// <param name="blocks">This rank's blocks, ascending and contiguous; over the ranks in rank order they must tile columns 0..n − 1, with the same m, n and a everywhere.</param>
    /// <param name="k">The most non-zeros per column, ≥ 1.</param>
    /// <param name="communicator">The ranks; <see cref="SingleProcessCommunicator.Instance"/> solves all blocks in this process.</param>
    /// <param name="options">γ, formulation, tolerance, limits, warm starts (α of length m, β of length n); null: the defaults.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">blocks is empty or holds null; the blocks do not tile the columns across the ranks or disagree on m, n or a (thrown on every rank, naming blocks); an option or warm start is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static DistributedSparseTransportResult Solve(IReadOnlyList<TransportColumnBlock> blocks, int k, ICommunicator communicator, SparseTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (blocks.Count == 0) throw new ArgumentException("blocks is empty: every rank must hold at least one column block.", nameof(blocks));
        if (blocks.Any(b => b is null)) throw new ArgumentException("blocks holds a null block.", nameof(blocks));
        options ??= new SparseTransportOptions();
        options.Validate(nameof(options));
        var local = blocks.ToArray();
        int m = local[0].Rows, n = local[0].TotalColumns;
        var x0 = SparseTransport.StartingPoint(m, n, options);
        long bytesBefore = communicator.BytesCommunicated;
        double costRange = AgreeOnLayout(local, communicator);

        var objective = new ColumnSplitObjective(local, options.Formulation, k, options.Gamma, communicator);
        var arithmetic = HostVectorArithmetic.Instance;
        double unit = PotentialScaledObjective<double[]>.UnitFor(costRange, options.Gamma);
        var scaled = new PotentialScaledObjective<double[]>(objective, arithmetic, unit);
        arithmetic.Scale(1 / unit, x0);
        var progress = options.Progress is { } p ? new ObjectiveScaledProgress(p, unit) : null;
        var run = new Lbfgs<double[]>(arithmetic).Minimize(scaled, x0, options.ToLbfgs() with { Progress = progress });
        scaled.Release();
        var x = run.X;
        arithmetic.Scale(unit, x);
        // One more evaluation at the answer, as the unsplit solve does for its plan: every rank takes part.
        objective.Evaluate(x, new double[x.Length]);
        var plans = objective.Plans();
        var certificate = Certify(local, plans, objective.RowSums, communicator);
        double dualValue = -run.Value * unit;
        bool dual = options.Formulation == TransportFormulation.Dual;
        // Earned on the assembled plan, as the unsplit solve does: L-BFGS tested the same sums in another order.
        var status = run.Status == SolverStatus.Converged && !(certificate.RowError + certificate.ColumnError <= options.ResolvedTolerance)
            ? SolverStatus.Stalled : run.Status;
        return new DistributedSparseTransportResult(
            plans,
            Vector<double>.Build.Dense(x[..m]),
            dual ? Vector<double>.Build.Dense(x[m..]) : null,
            options.Formulation,
            k,
            options.Gamma,
            certificate.Cost,
            certificate.Regularized(options.Gamma),
            dualValue,
            certificate.Regularized(options.Gamma) - dualValue,
            certificate.RowError,
            certificate.ColumnError,
            run.Residual,
            certificate.MaxNonZeros,
            status,
            run.Iterations,
            run.Evaluations,
            communicator.BytesCommunicated - bytesBefore);
    }

    /// <summary>
    /// Checks, collectively, that the ranks' blocks tile the columns in rank order with one m, n and a,
    /// and returns max C − min C over every rank. A rank whose blocks are wrong fails on every rank
    /// together, through <see cref="ICommunicator.AllAgree"/>, never leaving the others in a collective.
    /// </summary>
    private static double AgreeOnLayout(TransportColumnBlock[] local, ICommunicator communicator)
    {
        int m = local[0].Rows, n = local[0].TotalColumns;
        string? problem = null;
        for (int q = 1; q < local.Length && problem is null; q++)
        {
            if (local[q].Rows != m || local[q].TotalColumns != n || !local[q].SourceWeights.SequenceEqual(local[0].SourceWeights))
                problem = $"block {q} of rank {communicator.Rank} belongs to another problem (m, n or a differ from its block 0)";
            else if (local[q].FirstColumn != local[q - 1].FirstColumn + local[q - 1].Columns)
                problem = $"block {q} of rank {communicator.Rank} starts at column {local[q].FirstColumn}, not where block {q - 1} ends ({local[q - 1].FirstColumn + local[q - 1].Columns})";
        }
        // Each rank writes its own six slots and leaves the others zero, so the rank-ordered sum gathers them exactly.
        int size = communicator.Size, rank = communicator.Rank;
        var slots = new double[6 * size];
        double max = double.NegativeInfinity, min = double.PositiveInfinity;
        foreach (var block in local)
        {
            max = Math.Max(max, System.Numerics.Tensors.TensorPrimitives.Max<double>(block.Cost));
            min = Math.Min(min, System.Numerics.Tensors.TensorPrimitives.Min<double>(block.Cost));
        }
        int columns = local.Sum(b => b.Columns);
        double[] mine = [local[0].FirstColumn, columns, m, n, max, min];
        mine.CopyTo(slots, 6 * rank);
        communicator.AllreduceSum(slots);
        // Every rank sees the same slots, so every rank takes the same branch: a broadcast of a only where all ranks agree on m.
        bool oneShape = Enumerable.Range(0, size).All(r => slots[6 * r + 2] == m && slots[6 * r + 3] == n);
        bool sameShapeEverywhere = Enumerable.Range(0, size).All(r => slots[6 * r + 2] == slots[2] && slots[6 * r + 3] == slots[3]);
        var a = local[0].SourceWeights.ToArray();
        if (sameShapeEverywhere) communicator.Broadcast(a, 0);
        if (problem is null)
        {
            int expectedFirst = 0;
            for (int r = 0; r < rank; r++) expectedFirst += (int)slots[6 * r + 1];
            int total = 0;
            for (int r = 0; r < size; r++) total += (int)slots[6 * r + 1];
            if (local[0].FirstColumn != expectedFirst)
                problem = $"rank {rank}'s columns start at {local[0].FirstColumn}; after the ranks before it they must start at {expectedFirst}";
            else if (total != n || !oneShape)
                problem = $"the ranks' blocks hold {total} columns of problems with m, n = {string.Join("; ", Enumerable.Range(0, size).Select(r => $"{slots[6 * r + 2]}, {slots[6 * r + 3]}"))}; they must tile the n = {n} columns of one m×n problem";
            else if (!a.AsSpan().SequenceEqual(local[0].SourceWeights))
                problem = $"rank {rank}'s source weights a differ from rank 0's";
        }
        bool agreed = communicator.AllAgree(problem is null);
        if (!agreed) throw new ArgumentException($"The column blocks do not form one problem split over the ranks: {problem ?? "another rank's blocks are wrong"}.", "blocks");
        double globalMax = double.NegativeInfinity, globalMin = double.PositiveInfinity;
        for (int r = 0; r < size; r++)
        {
            globalMax = Math.Max(globalMax, slots[6 * r + 4]);
            globalMin = Math.Min(globalMin, slots[6 * r + 5]);
        }
        return globalMax - globalMin;
    }

    /// <summary>The certificate sums over every rank's columns: ⟨T, C⟩, ‖T‖², Σ|Tᵀ·1 − b|, and the most non-zeros in a column (each rank in its own slot).</summary>
    private static Certificate Certify(TransportColumnBlock[] local, TransportPlan[] plans, ReadOnlySpan<double> rowSums, ICommunicator communicator)
    {
        int size = communicator.Size;
        var sums = new double[3 + size];
        int maxNonZeros = 0;
        for (int q = 0; q < local.Length; q++)
        {
            sums[0] += plans[q].Cost(local[q].Cost);
            sums[1] += plans[q].SquaredNorm();
            var columnSums = plans[q].ColumnSums();
            for (int j = 0; j < columnSums.Length; j++) sums[2] += Math.Abs(columnSums[j] - local[q].TargetWeights[j]);
            maxNonZeros = Math.Max(maxNonZeros, plans[q].MaxNonZerosPerColumn());
        }
        sums[3 + communicator.Rank] = maxNonZeros;
        communicator.AllreduceSum(sums);
        var a = local[0].SourceWeights;
        double rowError = 0;
        for (int i = 0; i < a.Length; i++) rowError += Math.Abs(rowSums[i] - a[i]);
        return new Certificate(sums[0], sums[1], sums[2], rowError, (int)sums.AsSpan(3).ToArray().Max());
    }

    private readonly record struct Certificate(double Cost, double SquaredNorm, double ColumnError, double RowError, int MaxNonZeros)
    {
        public double Regularized(double gamma) => Cost + 0.5 * gamma * SquaredNorm;
    }

    /// <summary>Reports f = σ·f̃ where L-BFGS sees f̃, so progress shows the dual's own value.</summary>
    private sealed class ObjectiveScaledProgress(IProgress<IterationProgress> inner, double unit) : IProgress<IterationProgress>
    {
        public void Report(IterationProgress value) => inner.Report(value with { Objective = value.Objective * unit });
    }
}
