namespace Numerics.LinearAlgebra;

/// <summary>
/// One implementation of the dense BLAS/LAPACK operations the engine uses, on column-major spans
/// with explicit leading dimensions. <see cref="Current"/> is the one the <see cref="Blas"/> and
/// <see cref="Lapack"/> facades call; <see cref="Managed"/> and <see cref="Native"/> can be used
/// directly to compare or pin a backend.
/// </summary>
/// <remarks>
/// Public methods validate their arguments (throwing <see cref="ArgumentException"/> or
/// <see cref="ArgumentOutOfRangeException"/> naming the parameter before anything is written)
/// and then call the backend's unchecked implementation, so every backend shares one set of
/// checks. They validate shapes, not values: NaN and ∞ propagate through them as in reference
/// LAPACK, on every backend (LAPACKE's own NaN scan is switched off); the matrix-level facades
/// (<see cref="Lapack"/>, <see cref="DenseBaselines"/>) reject non-finite input by name.
/// Selection (see <see cref="Current"/>) happens on first use, never in a static
/// constructor, so a bad <c>NUMERICS_BLAS</c> surfaces as an <see cref="EnvironmentVariableException"/>
/// from the property that needed it.
/// </remarks>
public abstract partial class LinearAlgebraBackend
{
    /// <summary>The environment variable that forces a backend: <c>mkl</c>, <c>openblas</c> or <c>managed</c>.</summary>
    public const string EnvironmentVariable = "NUMERICS_BLAS";

    private static readonly Lazy<BlasBackendKind?> s_requested =
        new(() => ParseRequest(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    private static readonly Lazy<(NativeBackend? Backend, IReadOnlyList<string> Rejected)> s_native = new(LoadNative);

    private static readonly Lazy<LinearAlgebraBackend> s_default = new(() => Choose(s_requested.Value, Native, RejectedLibraries));

    private static LinearAlgebraBackend? s_current;

    /// <summary>The managed backend: always available.</summary>
    public static LinearAlgebraBackend Managed { get; } = new ManagedBackend();

    /// <summary>
    /// The native backend (MKL or OpenBLAS), or null when none is usable or <c>NUMERICS_BLAS=managed</c>
    /// (then nothing native is loaded). <c>NUMERICS_BLAS=mkl</c> or <c>openblas</c> restricts it to that vendor.
    /// </summary>
    /// <exception cref="EnvironmentVariableException"><c>NUMERICS_BLAS</c> is not one of mkl, openblas, managed.</exception>
    public static LinearAlgebraBackend? Native => s_native.Value.Backend;

    /// <summary>
    /// Each native library that was tried and not used, with the reason: not found, a missing entry
    /// point (named), an ILP64 build, or an MKL setting that could not be applied. Empty when the first
    /// candidate was used or when <c>NUMERICS_BLAS=managed</c> skipped the search.
    /// </summary>
    public static IReadOnlyList<string> RejectedLibraries => s_native.Value.Rejected;

    /// <summary>Why the native backend is unavailable, or an empty string when it is available.</summary>
    public static string NativeUnavailableReason => Native is not null ? ""
        : s_requested.Value == BlasBackendKind.Managed ? $"{EnvironmentVariable}=managed: no native library is loaded"
        : string.Join("; ", RejectedLibraries);

    /// <summary>
    /// The backend used by <see cref="Blas"/> and <see cref="Lapack"/>: the one <c>NUMERICS_BLAS</c>
    /// names, else MKL, else OpenBLAS, else managed. May be replaced at start-up.
    /// </summary>
    /// <exception cref="EnvironmentVariableException">
    /// <c>NUMERICS_BLAS</c> is not one of mkl, openblas, managed, or names a native library that cannot be used.
    /// </exception>
    public static LinearAlgebraBackend Current
    {
        get => s_current ?? s_default.Value;
        set => s_current = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Reads a <c>NUMERICS_BLAS</c> value: null when unset or blank.</summary>
    internal static BlasBackendKind? ParseRequest(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "managed" => BlasBackendKind.Managed,
        "openblas" => BlasBackendKind.OpenBlas,
        "mkl" => BlasBackendKind.Mkl,
        _ => throw new EnvironmentVariableException(EnvironmentVariable,
            $"{EnvironmentVariable}='{value}' is not one of mkl, openblas, managed."),
    };

    /// <summary>The default backend for a request, given the native backend found (if any) and the libraries rejected.</summary>
    internal static LinearAlgebraBackend Choose(BlasBackendKind? requested, LinearAlgebraBackend? native, IReadOnlyList<string> rejected)
    {
        if (requested == BlasBackendKind.Managed) return Managed;
        if (requested is { } want && native?.Kind != want)
            throw new EnvironmentVariableException(EnvironmentVariable,
                $"{EnvironmentVariable}={want.ToString().ToLowerInvariant()} was requested but cannot be used: {string.Join("; ", rejected)}");
        return native ?? Managed;
    }

    private static (NativeBackend?, IReadOnlyList<string>) LoadNative()
    {
        var requested = s_requested.Value;
        if (requested == BlasBackendKind.Managed) return (null, []);
        var (library, rejected) = NativeLibraryResolver.Resolve(
            NativeCandidate.Default.Where(c => requested is null || c.Kind == requested));
        return (library is null ? null : new NativeBackend(library), rejected);
    }

    private protected LinearAlgebraBackend() { }

    /// <summary>Which implementation this is.</summary>
    public abstract BlasBackendKind Kind { get; }

    /// <summary>A one-line description, e.g. the OpenBLAS build configuration or MKL's settings.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Whether <c>Gemm</c> returns the same bits whatever the thread count (<see cref="Threads"/>,
    /// <see cref="UseThreads"/>): true for the managed GEMM and for MKL in strict conditional
    /// numerical reproducibility mode; false for OpenBLAS and for MKL where strict mode is
    /// unavailable. Either way, results are reproducible run to run at a fixed thread count.
    /// </summary>
    public virtual bool GemmIsThreadCountInvariant => true;

    /// <summary>
    /// The backend for products whose bits must not depend on the thread count (a seeded sketch):
    /// <see cref="Current"/> when its GEMM is thread-count invariant, otherwise <see cref="Managed"/>,
    /// whose GEMM always is (and runs at 0.7–1.0× a native dgemm).
    /// </summary>
    public static LinearAlgebraBackend ThreadCountInvariant => Current.GemmIsThreadCountInvariant ? Current : Managed;

    /// <inheritdoc />
    public override string ToString() => $"{Kind} ({Description}, {Threads} threads)";
}
