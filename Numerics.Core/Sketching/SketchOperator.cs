using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Random;

namespace Numerics.Sketching;

/// <summary>
/// A random sketch S ∈ ℝ^{m×n}, fully defined by (kind, m, n, seed): the same four numbers give
/// the same S on every run, thread count and device, and any block of its columns can be
/// regenerated on its own.
/// </summary>
/// <remarks>
/// Apply S to a whole matrix with <see cref="Apply(Matrix{double})"/>, or stream row blocks
/// through a <see cref="SketchAccumulator"/> from <see cref="CreateAccumulator"/>. Sketch A and b
/// together (as columns of one accumulator, or with the same operator) so that both see the same S.
/// </remarks>
public sealed class SketchOperator
{
    private SketchDefinition? _definition;

    /// <summary>Defines S.</summary>
    /// <param name="kind">Which sketch.</param>
    /// <param name="rows">m, the sketch size (≥ 1; for SRHT at most the padded row count 2^⌈log₂ n⌉).</param>
    /// <param name="inputRows">n, the row count of the matrices it applies to (≥ 1).</param>
    /// <param name="seed">The seed of the counter-based generator.</param>
    /// <exception cref="ArgumentException">A size is out of range or the kind is unknown.</exception>
    public SketchOperator(SketchKind kind, int rows, int inputRows, ulong seed)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentException($"Unknown sketch kind {kind}.", nameof(kind));
        if (inputRows < 1) throw new ArgumentException($"inputRows must be at least 1, got {inputRows}.", nameof(inputRows));
        if (inputRows > 1 << 30) throw new ArgumentException($"inputRows must be at most 2^30, got {inputRows}.", nameof(inputRows));
        if (rows < 1) throw new ArgumentException($"rows must be at least 1, got {rows}.", nameof(rows));
        int padded = (int)BitOperations.RoundUpToPowerOf2((uint)inputRows);
        if (kind == SketchKind.Srht && rows > padded)
            throw new ArgumentException($"An SRHT of {inputRows} input rows samples at most {padded} rows, got rows = {rows}.", nameof(rows));
        Kind = kind;
        Rows = rows;
        InputRows = inputRows;
        Seed = seed;
        PaddedRows = kind == SketchKind.Srht ? padded : inputRows;
    }

    /// <summary>The kind of sketch.</summary>
    public SketchKind Kind { get; }

    /// <summary>m: rows of S, i.e. of every sketched matrix.</summary>
    public int Rows { get; }

    /// <summary>n: columns of S, i.e. rows of the inputs.</summary>
    public int InputRows { get; }

    /// <summary>The generator seed.</summary>
    public ulong Seed { get; }

    /// <summary>For SRHT the Hadamard order N = 2^⌈log₂ n⌉ (inputs are zero-padded to N rows); otherwise n.</summary>
    public int PaddedRows { get; }

    /// <summary>The random tables of S, shared with every operator of the same (kind, m, n, seed).</summary>
    private SketchDefinition Definition => _definition ??= SketchDefinition.For(Kind, Rows, InputRows, PaddedRows, Seed, Unpermuted);

    /// <summary>SRHT: the padded row Π(i) that input row i moves to (length n). Shared: never modify.</summary>
    internal int[] Positions => Definition.Positions;

    /// <summary>
    /// Tests only: an SRHT with Π = I, the plain sketch that fails on coherent inputs (the
    /// permutation tests show that they can fail). Not part of any public definition.
    /// </summary>
    internal bool Unpermuted { get; private init; }

    /// <summary>This sketch with the SRHT's permutation removed (see <see cref="Unpermuted"/>).</summary>
    internal SketchOperator WithoutPermutation() => new(Kind, Rows, InputRows, Seed) { Unpermuted = true };

    /// <summary>SRHT: the sampled Hadamard rows in ascending order (length m); row k of S·A is row SampledRows[k] of H·D·Π·A. Shared: never modify.</summary>
    internal int[] SampledRows => Definition.SampledRows;

    /// <summary>CountSketch: the output row of each input row (length n). Shared: never modify.</summary>
    internal int[] Buckets => Definition.Buckets;

    /// <summary>SRHT: the sign σᵢ of every input row (length n). Shared: never modify.</summary>
    internal double[] Signs => Definition.Signs;

    /// <summary>SRHT sign of input row i, or CountSketch sign, as ±1.</summary>
    internal double Sign(int i) => new CounterRng(Seed, Kind == SketchKind.Srht ? SketchStreams.Signs : SketchStreams.BucketSigns).Rademacher(i);

    /// <summary>An empty accumulator for S·X with X of <paramref name="columns"/> columns.</summary>
    public SketchAccumulator CreateAccumulator(int columns) => new(this, columns);

    /// <summary>S·A for A of n rows (input unchanged).</summary>
    /// <exception cref="ArgumentException">A is null, its row count is not n, or it holds NaN/∞ or an entry beyond <see cref="MaxSafeMagnitude"/>.</exception>
    public Matrix<double> Apply(Matrix<double> a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.RowCount != InputRows) throw new ArgumentException($"a has {a.RowCount} rows; the sketch takes {InputRows}.", nameof(a));
        var values = DenseStorage.ColumnMajor(a);
        RequireSketchable(values, nameof(a));
        return Matrix<double>.Build.Dense(Rows, a.ColumnCount, ApplyColumns(values, a.ColumnCount, []));
    }

    /// <summary>S·x for x of length n.</summary>
    /// <exception cref="ArgumentException">x is null, its length is not n, or it holds NaN/∞ or an entry beyond <see cref="MaxSafeMagnitude"/>.</exception>
    public MathNet.Numerics.LinearAlgebra.Vector<double> Apply(MathNet.Numerics.LinearAlgebra.Vector<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != InputRows) throw new ArgumentException($"x has length {x.Count}; the sketch takes {InputRows}.", nameof(x));
        var values = DenseStorage.Values(x);
        RequireSketchable(values, nameof(x));
        return MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(ApplyColumns(values, 1, []));
    }

    /// <summary>
    /// The largest |entry| of an input whose sketch cannot overflow. The SRHT's unnormalised
    /// transform sums up to N signed entries before its 1/√m scale (DBL_MAX/N); a CountSketch row
    /// sums up to n of them (DBL_MAX/n); a Gaussian entry of S is a Box–Muller normal from 53-bit
    /// uniforms, below 9 in magnitude, times 1/√m ≤ 1 (DBL_MAX/(16n), with margin).
    /// </summary>
    public double MaxSafeMagnitude => Kind switch
    {
        SketchKind.Srht => double.MaxValue / PaddedRows,
        SketchKind.Gaussian => double.MaxValue / 16 / InputRows,
        _ => double.MaxValue / InputRows,
    };

    /// <summary>Finite, and small enough that the sketch stays finite (see <see cref="MaxSafeMagnitude"/>).</summary>
    private void RequireSketchable(ReadOnlySpan<double> values, string paramName)
    {
        DenseStorage.RequireFinite<double>(values, paramName);
        double largest = values.IsEmpty ? 0 : System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values);
        if (Math.Abs(largest) > MaxSafeMagnitude)
            throw new ArgumentException($"{paramName} has an entry of magnitude {Math.Abs(largest):E3}; the sketch of entries beyond {MaxSafeMagnitude:E3} can overflow. Scale the input down first.", paramName);
    }

    /// <summary>
    /// The column-major m×(c+1) matrix [S·A | S·b] for column-major A (n×c, leading dimension n)
    /// and b, with one S for both. Shapes and finiteness are the caller's to check.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal double[] ApplyAugmented(ReadOnlySpan<double> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
    {
        CheckAugmentedShape(a.Length, columns, b.Length);
        return ApplyColumns(a, columns, b, cancellationToken);
    }

    /// <summary>
    /// [S·A | S·b] for a float32 A: the SRHT reads A as float (half the traffic of a double copy);
    /// the other sketches widen blocks of rows. The result equals the sketch of A's double copy
    /// (bit for bit for SRHT and CountSketch).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal double[] ApplyAugmented(ReadOnlySpan<float> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
    {
        CheckAugmentedShape(a.Length, columns, b.Length);
        return ApplyColumns(a, columns, b, cancellationToken);
    }

    /// <summary>
    /// The shapes of [A | b]: c ≥ 0 columns of n rows, b empty or of length n, and at least one
    /// column in all. The transforms read through raw pointers, so these checks stand between a
    /// wrong length and a read past the caller's array.
    /// </summary>
    private void CheckAugmentedShape(int aLength, int columns, int bLength)
    {
        if (columns < 0) throw new ArgumentException($"columns must be at least 0 (got {columns}).", nameof(columns));
        if (aLength != (long)InputRows * columns)
            throw new ArgumentException($"a holds {aLength} values; a {InputRows}×{columns} matrix needs {(long)InputRows * columns}.", "a");
        if (bLength != 0 && bLength != InputRows)
            throw new ArgumentException($"b holds {bLength} values; it must be empty or hold {InputRows}.", "b");
        if (columns == 0 && bLength == 0) throw new ArgumentException("Nothing to sketch: no columns of a and no b.", nameof(columns));
    }

    /// <summary>Input rows per block of the Gaussian and CountSketch accumulation between cancellation checks (a multiple of the Gaussian's row chunk, so the bits do not change).</summary>
    private const int CancellationRowBlock = 1 << 16;

    /// <summary>
    /// S·A written into a caller's buffer: A is column-major n×<paramref name="columns"/> (leading
    /// dimension n), <paramref name="destination"/> receives S·A column-major m×columns (leading
    /// dimension m). The bits equal those of <see cref="Apply(Matrix{double})"/>. Use it to sketch
    /// repeatedly without allocating (and first-touching) a fresh m×c array per call.
    /// </summary>
    /// <remarks>
    /// A is not scanned for NaN/∞ here (that would be a pass over A as long as the SRHT's own): a
    /// non-finite entry in column j of A makes column j of S·A non-finite and no other column, since
    /// S acts on each column separately. Entries beyond <see cref="MaxSafeMagnitude"/> can overflow to
    /// ∞ or NaN (the allocating <see cref="Apply(Matrix{double})"/> rejects them). If the call is
    /// cancelled, <paramref name="destination"/> holds a partial result.
    /// </remarks>
    /// <param name="a">A, column-major, exactly n·columns values.</param>
    /// <param name="columns">c ≥ 1, the column count of A.</param>
    /// <param name="destination">At least m·columns values; must not overlap <paramref name="a"/>.</param>
    /// <param name="cancellationToken">Checked between panels (SRHT) or row blocks (the other sketches).</param>
    /// <exception cref="ArgumentException">A size does not match, or <paramref name="destination"/> overlaps <paramref name="a"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public void Apply(ReadOnlySpan<double> a, int columns, Span<double> destination, CancellationToken cancellationToken = default)
    {
        if (columns < 1) throw new ArgumentException($"columns must be at least 1 (got {columns}).", nameof(columns));
        if (a.Length != (long)InputRows * columns)
            throw new ArgumentException($"a holds {a.Length} values; a {InputRows}×{columns} matrix needs {(long)InputRows * columns}.", nameof(a));
        long needed = (long)Rows * columns;
        if (destination.Length < needed)
            throw new ArgumentException($"destination holds {destination.Length} values; S·A is {Rows}×{columns} and needs {needed}.", nameof(destination));
        if (a.Overlaps(destination)) throw new ArgumentException("destination overlaps a; S·A cannot be written over its input.", nameof(destination));
        if (Kind == SketchKind.Srht) ApplySrht(a, columns, [], destination, cancellationToken);
        else ApplyColumns(a, columns, [], cancellationToken).CopyTo(destination);
    }

    /// <summary>The SRHT of [A | b] (b may be empty) into <paramref name="output"/> (m×(c+1) or m×c, column-major).</summary>
    private unsafe void ApplySrht<T>(ReadOnlySpan<T> a, int columns, ReadOnlySpan<double> b, Span<double> output, CancellationToken cancellationToken)
        where T : unmanaged
    {
        fixed (T* pa = a)
        fixed (double* pb = b)
        fixed (double* po = output)
            SrhtTransform.ApplyColumns(this, pa, InputRows, columns, b.IsEmpty ? null : pb, po, cancellationToken);
    }

    /// <summary>S·[A | b] where b may be empty; A is double or float (widened as read).</summary>
    private unsafe double[] ApplyColumns<T>(ReadOnlySpan<T> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        int total = columns + (b.IsEmpty ? 0 : 1);
        if (Kind == SketchKind.Srht)
        {
            // Whole columns at once: no N×c buffer, each column transformed in cache. The output is
            // written in full, so it is allocated uninitialised and advised onto huge pages (a fresh
            // 33 MB sketch otherwise costs more in page faults than the transform on a VM).
            var output = GC.AllocateUninitializedArray<double>((int)((long)Rows * total));
            Numerics.Memory.HugePageAdvice.Advise(output);
            ApplySrht(a, columns, b, output, cancellationToken);
            return output;
        }
        using var acc = CreateAccumulator(total);
        // A float A is widened one row block at a time (the accumulator sums in double).
        var widened = typeof(T) == typeof(double) ? null : new double[(long)Math.Min(CancellationRowBlock, InputRows) * columns];
        for (int r0 = 0; r0 < InputRows; r0 += CancellationRowBlock)
        {
            SrhtTransform.BlockStarted.Value?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(CancellationRowBlock, InputRows - r0);
            if (widened is null)
                acc.AddValidated(r0, count, 0, columns, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(a)[r0..], InputRows);
            else
            {
                var single = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(a);
                for (int j = 0; j < columns; j++)
                {
                    var column = single.Slice(j * InputRows + r0, count);
                    var target = widened.AsSpan(j * count, count);
                    for (int i = 0; i < count; i++) target[i] = column[i];
                }
                acc.AddValidated(r0, count, 0, columns, widened.AsSpan(0, count * columns), count);
            }
            if (!b.IsEmpty) acc.AddValidated(r0, count, columns, 1, b[r0..], InputRows);
        }
        return acc.Complete();
    }

    /// <summary>S as a dense m×n matrix (for tests and small problems: S·I).</summary>
    public Matrix<double> ToDense() => Apply(Matrix<double>.Build.DenseIdentity(InputRows));

    /// <inheritdoc />
    public override string ToString() => $"{Kind} sketch {Rows}×{InputRows} (seed {Seed})";
}
