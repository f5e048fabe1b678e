namespace Numerics.Sketching;

/// <summary>
/// Where the sketch of [A | b] is computed. The solver's control logic (factorisation, rank test,
/// certificate, LSQR) lives in <see cref="SketchedLeastSquares"/>; a backend only supplies S·[A | b].
/// </summary>
public interface ISketchBackend
{
    /// <summary>A short name for reports, e.g. "cpu" or the GPU's name.</summary>
    string Name { get; }

    /// <summary>
    /// The column-major m×(c+1) matrix [S·A | S·b] for the column-major n×c matrix
    /// <paramref name="a"/> (leading dimension n) and <paramref name="b"/> (length n, or empty for S·A
    /// alone), with the S that <paramref name="sketch"/> defines.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled during the sketch.</exception>
    double[] SketchAugmented(SketchOperator sketch, ReadOnlySpan<double> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="SketchAugmented(SketchOperator, ReadOnlySpan{double}, int, ReadOnlySpan{double}, CancellationToken)"/>
    /// for a float32 A. The default widens A to a double copy; a backend that reads float directly overrides it.
    /// </summary>
    double[] SketchAugmented(SketchOperator sketch, ReadOnlySpan<float> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
    {
        var widened = new double[a.Length];
        for (int i = 0; i < a.Length; i++) widened[i] = a[i];
        return SketchAugmented(sketch, widened, columns, b, cancellationToken);
    }
}

/// <summary>The CPU sketch: <see cref="SketchAccumulator"/> on the calling machine's cores.</summary>
public sealed class CpuSketchBackend : ISketchBackend
{
    /// <summary>The shared instance.</summary>
    public static CpuSketchBackend Instance { get; } = new();

    private CpuSketchBackend() { }

    /// <inheritdoc />
    public string Name => "cpu";

    /// <inheritdoc />
    public double[] SketchAugmented(SketchOperator sketch, ReadOnlySpan<double> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        return sketch.ApplyAugmented(a, columns, b, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Reads A as float: no double copy is made.</remarks>
    public double[] SketchAugmented(SketchOperator sketch, ReadOnlySpan<float> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        return sketch.ApplyAugmented(a, columns, b, cancellationToken);
    }
}
