namespace Numerics.LinearAlgebra;

public abstract partial class LinearAlgebraBackend
{
    private int _threads = Environment.ProcessorCount;

    /// <summary>The innermost <see cref="UseThreads"/> count of the current execution flow; 0 outside any scope.</summary>
    private readonly AsyncLocal<int> _scopedThreads = new();

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
    public int EffectiveThreads => _scopedThreads.Value is > 0 and var scoped ? scoped : _threads;

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
        private readonly int _previous;
        private bool _disposed;

        internal ThreadScope(LinearAlgebraBackend backend, int threads)
        {
            _backend = backend;
            _previous = backend._scopedThreads.Value;
            backend._scopedThreads.Value = threads;
        }

        /// <summary>Restores the count that was in force when the scope was created (disposing twice does nothing).</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _backend._scopedThreads.Value = _previous;
        }
    }
}
