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
/// checks. Selection order for <see cref="Current"/>: <c>NUMERICS_BLAS</c> if set, else MKL,
/// else OpenBLAS, else managed.
/// </remarks>
public abstract partial class LinearAlgebraBackend
{
    private static readonly Lazy<LinearAlgebraBackend?> s_native = new(NativeBackend.TryCreate);
    private static LinearAlgebraBackend? s_current;

    /// <summary>The managed backend: always available.</summary>
    public static LinearAlgebraBackend Managed { get; } = new ManagedBackend();

    /// <summary>The native backend (MKL or OpenBLAS), or null when no native library could be loaded.</summary>
    public static LinearAlgebraBackend? Native => s_native.Value;

    /// <summary>Why the native backend is unavailable, or an empty string when it is available.</summary>
    public static string NativeUnavailableReason
    {
        get { NativeLibraryResolver.EnsureInitialized(); return Native is null ? NativeLibraryResolver.LoadFailure : ""; }
    }

    /// <summary>
    /// The backend used by <see cref="Blas"/> and <see cref="Lapack"/>. Defaults to the native
    /// backend when present, unless <c>NUMERICS_BLAS=managed</c>; may be replaced at start-up.
    /// </summary>
    public static LinearAlgebraBackend Current
    {
        get => s_current ??= ChooseDefault();
        set => s_current = value ?? throw new ArgumentNullException(nameof(value));
    }

    private static LinearAlgebraBackend ChooseDefault()
    {
        NativeLibraryResolver.EnsureInitialized();
        var requested = NativeLibraryResolver.Requested;
        if (requested == BlasBackendKind.Managed) return Managed;
        var native = Native;
        if (requested is { } want && (native is null || native.Kind != want))
            throw new InvalidOperationException(
                $"{NativeLibraryResolver.EnvironmentVariable}={want} was requested but could not be loaded: {NativeLibraryResolver.LoadFailure}");
        return native ?? Managed;
    }

    private protected LinearAlgebraBackend() { }

    /// <summary>Which implementation this is.</summary>
    public abstract BlasBackendKind Kind { get; }

    /// <summary>A one-line description, e.g. the OpenBLAS build configuration.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The number of threads the backend may use. Setting 1 makes it single-threaded, as needed
    /// when the caller already parallelises over columns or problems.
    /// </summary>
    public abstract int Threads { get; set; }

    /// <summary>
    /// Limits the backend to one thread until the returned scope is disposed; use around code that
    /// calls the backend from several threads at once.
    /// </summary>
    public ThreadScope SingleThreaded() => new(this, 1);

    /// <summary>Restores a backend's thread count when disposed.</summary>
    public readonly struct ThreadScope : IDisposable
    {
        private readonly LinearAlgebraBackend _backend;
        private readonly int _previous;

        internal ThreadScope(LinearAlgebraBackend backend, int threads)
        {
            _backend = backend;
            _previous = backend.Threads;
            backend.Threads = threads;
        }

        /// <summary>Restores the previous thread count.</summary>
        public void Dispose() => _backend?.Threads = _previous;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} ({Description}, {Threads} threads)";
}
