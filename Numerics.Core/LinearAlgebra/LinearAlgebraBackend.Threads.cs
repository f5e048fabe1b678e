namespace Numerics.LinearAlgebra;

public abstract partial class LinearAlgebraBackend
{
    private int _threads = Environment.ProcessorCount;

    /// <summary>The innermost <see cref="UseThreads"/> count of the current execution flow; 0 outside any scope.</summary>
    private readonly AsyncLocal<ThreadScope?> _scope = new();

    /// <summary>
    /// The process-wide number of threads a call may use when no <see cref="UseThreads"/> scope is
    /// active: the managed GEMM's degree of parallelism, or the native library's thread count
    /// (initially the library's own default).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Threads
    {
        get => _threads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(value));
            _threads = value;
        }
    }

    /// <summary>
    /// The number of threads a call made now, from this execution flow, uses: the innermost
    /// <see cref="UseThreads"/> scope's count, else <see cref="Threads"/>.
    /// </summary>
    public int EffectiveThreads => _scope.Value?.Count ?? _threads;

    /// <summary>
    /// Limits calls on this backend from the current execution flow (this thread, and the tasks and
    /// parallel loops it starts) to <paramref name="threads"/> threads until the scope is disposed.
    /// Scopes nest: disposing one restores the count of the scope around it. Other flows are not affected.
    /// </summary>
    /// <remarks>
    /// Use <c>using (backend.UseThreads(1)) { … }</c> around code that calls the backend from several
    /// threads at once, so that the library's threads and the caller's do not oversubscribe the cores.
    /// The count is stored in an <see cref="AsyncLocal{T}"/>, so a scope flows into awaited and
    /// parallel work but never leaks into unrelated threads. For OpenBLAS, whose thread pool is
    /// process-wide, concurrent calls from flows with different counts run with the latest count set.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public ThreadScope UseThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(threads));
        return new ThreadScope(this, threads);
    }

    /// <summary><see cref="UseThreads"/>(1): calls from this execution flow run single-threaded until disposed.</summary>
    public ThreadScope SingleThreaded() => UseThreads(1);

    /// <summary>A thread count in force for one execution flow until disposed; see <see cref="UseThreads"/>.</summary>
    public sealed class ThreadScope : IDisposable
    {
        private readonly LinearAlgebraBackend _backend;
        private readonly ThreadScope? _parent;
        private bool _disposed;

        internal ThreadScope(LinearAlgebraBackend backend, int threads)
        {
            _backend = backend;
            Count = threads;
            _parent = backend._scope.Value;
            backend._scope.Value = this;
        }

        /// <summary>The thread count this scope sets.</summary>
        internal int Count { get; }

        /// <summary>
        /// Ends the scope (disposing twice does nothing). The innermost scope still open in this flow
        /// takes over, or the process-wide count when none is: scopes disposed out of order never
        /// leave a closed scope's count in force.
        /// </summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (!ReferenceEquals(_backend._scope.Value, this)) return;
            var open = _parent;
            while (open is { _disposed: true }) open = open._parent;
            _backend._scope.Value = open;
        }
    }
}
