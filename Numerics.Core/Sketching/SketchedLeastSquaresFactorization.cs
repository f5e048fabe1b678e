using System.Diagnostics;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>
/// A least-squares factorization of A made once by <see cref="SketchedLeastSquares.Factor(MathNet.Numerics.LinearAlgebra.Matrix{double}, SketchedLeastSquaresOptions?)"/> and
/// reused for any number of right-hand sides: the sketch S·A and its factorization (or the dense
/// QR), the rank decision, and the certificate's bound on σ_min(A·N) when asked for. Each
/// <see cref="Solve(MathNet.Numerics.LinearAlgebra.Vector{double}, CancellationToken)"/> then costs a sketch of b
/// (one column) and, per method, a triangular solve, LSQR iterations, or the dense solve.
/// </summary>
/// <remarks>
/// <para>Every solve gives the same answer, bit for bit, as <see cref="SketchedLeastSquares.Solve(MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Vector{double}, SketchedLeastSquaresOptions?)"/>
/// with the same options on that b. The object is immutable after construction apart from the
/// certificate, which is prepared on the first solve that needs it; solves may run concurrently.</para>
/// <para>The SVD method keeps no factorization: each solve computes the SVD of A again.</para>
/// </remarks>
public sealed class SketchedLeastSquaresFactorization
{
    private readonly ScaledLeastSquaresProblem _scaled;   // A/2^ea (with the damping rows for the dense methods; empty when A is float)
    private readonly float[]? _single;                     // A kept as float32 (sketch methods), unscaled
    private readonly SketchedLeastSquaresOptions _options;
    private readonly int _n, _d;                          // rows of A (not of a stacked matrix), columns
    private readonly double _damp;                        // Damp in the scaled variables
    private readonly bool _dampingFirst;                  // the sketch's damping rows sit above S·A
    private readonly SketchOperator? _sketch;
    private readonly ISketchBackend _backend;
    private readonly SketchPreconditioner? _pre;
    private readonly PivotedQr? _qr;
    private readonly object _certificateGate = new();
    private LinfCertificate? _certificate;

    internal SketchedLeastSquaresFactorization(ScaledLeastSquaresProblem scaled, float[]? single, SketchedLeastSquaresOptions options, int n, int d, double damp,
        bool dampingFirst, LeastSquaresMethod method, string? reason, double rcond, SketchOperator? sketch, ISketchBackend backend, SketchPreconditioner? pre,
        PivotedQr? qr, double sketchSeconds)
    {
        _scaled = scaled;
        _single = single;
        _options = options;
        _n = n;
        _d = d;
        _damp = damp;
        _dampingFirst = dampingFirst;
        _sketch = sketch;
        _backend = backend;
        _pre = pre;
        _qr = qr;
        Method = method;
        MethodReason = reason;
        Rcond = rcond;
        SketchSeconds = sketchSeconds;
        Rank = pre?.Rank ?? qr?.Rank ?? d;
    }

    /// <summary>n: rows of A.</summary>
    public int RowCount => _n;

    /// <summary>d: columns of A (length of every solution).</summary>
    public int ColumnCount => _d;

    /// <summary>The method every solve uses (see <see cref="MethodReason"/> when it is not the one requested).</summary>
    public LeastSquaresMethod Method { get; }

    /// <summary>Why <see cref="Method"/> differs from the request, or why the sketch was abandoned for dense QR; null when it did not.</summary>
    public string? MethodReason { get; }

    /// <summary>The sketch, or null for the dense methods.</summary>
    public SketchKind? Sketch => _sketch?.Kind;

    /// <summary>The sketch size m (0 for the dense methods).</summary>
    public int SketchRows => _sketch?.Rows ?? 0;

    /// <summary>The numerical rank (of the sketch, or of pivoted QR; d for the SVD method until a solve computes it).</summary>
    public int Rank { get; }

    /// <summary>The relative rank cut-off used.</summary>
    public double Rcond { get; }

    /// <summary>Seconds spent computing S·A.</summary>
    public double SketchSeconds { get; }

    /// <summary>Solves min ‖A·x − b‖₂ (plus Damp²·‖x‖² when damped) for one right-hand side; b is not modified.</summary>
    /// <param name="b">The right-hand side (length n).</param>
    /// <param name="cancellationToken">Cancels this solve (as does the factorization's options token): checked inside the sketch of b, between LSQR iterations and in the certificate's pass, and before a dense solve.</param>
    /// <exception cref="ArgumentException">b is null, its length is not n, or it holds NaN/∞.</exception>
    public LeastSquaresResult Solve(MathNet.Numerics.LinearAlgebra.Vector<double> b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.Count != _n) throw new ArgumentException($"b has length {b.Count}; A has {_n} rows.", nameof(b));
        var values = DenseStorage.Values(b);
        DenseStorage.RequireFinite<double>(values, nameof(b));
        using var linked = Linked(cancellationToken);
        return SolveValidated(RightHandSide(values), null, linked?.Token ?? _options.CancellationToken);
    }

    /// <summary>A source linked to the options' token and <paramref name="token"/>, or null when <paramref name="token"/> cannot fire.</summary>
    private CancellationTokenSource? Linked(CancellationToken token) =>
        token.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(_options.CancellationToken, token) : null;

    /// <summary>
    /// Solves for every column of <paramref name="b"/> (n×k): result j is the solve of column j, with
    /// its own status, residual and, when asked, its ℓ∞ bound (all bounds hold together with the
    /// stated probability: they share one certificate sketch). B is not modified.
    /// </summary>
    /// <param name="b">The right-hand sides (n×k).</param>
    /// <param name="cancellationToken">Cancels the solves (as does the factorization's options token).</param>
    /// <exception cref="ArgumentException">B is null, has no columns, its row count is not n, or it holds NaN/∞ (checked before any solve).</exception>
    public LeastSquaresResult[] Solve(MathNet.Numerics.LinearAlgebra.Matrix<double> b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.RowCount != _n) throw new ArgumentException($"b has {b.RowCount} rows; A has {_n}.", nameof(b));
        if (b.ColumnCount < 1) throw new ArgumentException("b must have at least one column.", nameof(b));
        var values = DenseStorage.ColumnMajor(b);
        DenseStorage.RequireFinite<double>(values, nameof(b));
        int k = b.ColumnCount;
        using var linked = Linked(cancellationToken);
        var token = linked?.Token ?? _options.CancellationToken;
        var problems = new ScaledLeastSquaresProblem[k];
        for (int j = 0; j < k; j++) problems[j] = RightHandSide(values.AsSpan(j * _n, _n).ToArray());
        double[]? sketched = null;
        if (_pre is not null)
        {
            // All k scaled columns in one sketch call: the SRHT reads them as panels, like the columns of A.
            var columns = new double[(long)_n * k];
            for (int j = 0; j < k; j++) problems[j].B.AsSpan(0, _n).CopyTo(columns.AsSpan(j * _n, _n));
            try
            {
                sketched = _backend.SketchAugmented(_sketch!, columns, k, [], token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return Array.ConvertAll(problems, Cancelled);
            }
            if (sketched.Length != (long)_sketch!.Rows * k) throw new InvalidOperationException($"The sketch backend '{_backend.Name}' returned {sketched.Length} values; {(long)_sketch.Rows * k} expected.");
        }
        var results = new LeastSquaresResult[k];
        for (int j = 0; j < k; j++)
            results[j] = SolveValidated(problems[j], sketched?.AsSpan(j * _sketch!.Rows, _sketch.Rows).ToArray(), token);
        return results;
    }

    /// <summary>The scaled problem for a checked b (length n); the damped QR method stacks it against its damping rows.</summary>
    internal ScaledLeastSquaresProblem RightHandSide(double[] b) => _scaled.WithRightHandSide(b);

    /// <summary>
    /// The solve for <paramref name="problem"/> (from <see cref="RightHandSide"/>);
    /// <paramref name="sketchedB"/> is S·b′ of its scaled b′ when the caller already has it
    /// (sketched together with A or with other right-hand sides).
    /// </summary>
    internal LeastSquaresResult SolveValidated(ScaledLeastSquaresProblem problem, double[]? sketchedB, CancellationToken token)
    {
        LeastSquaresResult result;
        if (_pre is null)
        {
            // LAPACK cannot be interrupted: a dense solve checks the token once, before it starts.
            if (token.IsCancellationRequested) return Cancelled(problem);
            result = _qr is not null
                ? DenseLeastSquares.QrResult(problem, _damp > 0 ? _n + _d : _n, _d, _qr, Rcond)
                : DenseLeastSquares.Svd(problem, _n, _d, Rcond, _damp);
            result = result with { Method = Method, MethodReason = MethodReason };
        }
        else result = SolveSketched(problem, sketchedB, token);
        // Scaling back can leave the range of double for solutions of extreme problems (A·1e-300 with b·1e300).
        if (!result.X.All(double.IsFinite)) result = result with { Status = SolverStatus.Breakdown };
        return result;
    }

    /// <summary>[b; 0] for the damped operator [A; λI] of LSQR and the residuals.</summary>
    private double[] WithZeros(double[] b)
    {
        var stacked = new double[_n + _d];
        b.CopyTo(stacked, 0);
        return stacked;
    }

    private LeastSquaresResult SolveSketched(ScaledLeastSquaresProblem problem, double[]? sketchedB, CancellationToken token)
    {
        var pre = _pre!;
        var sketch = _sketch!;
        int n = _n, d = _d, m = sketch.Rows;
        double sketchSeconds = SketchSeconds;
        if (sketchedB is null)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                sketchedB = _backend.SketchAugmented(sketch, problem.B, 1, [], token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return Cancelled(problem);
            }
            sketchSeconds += clock.Elapsed.TotalSeconds;
            if (sketchedB.Length != m) throw new InvalidOperationException($"The sketch backend '{_backend.Name}' returned {sketchedB.Length} values; {m} expected.");
        }
        var sb = _damp > 0 ? Stacked(sketchedB, m) : sketchedB;

        var (z0, _, corrections) = pre.Coordinates(sb);
        ILinearOperator op = _single is null ? new DenseOperator(problem.A, n, d, n) : new SingleDenseOperator(_single, n, d, n);
        double[] b = problem.B;
        if (_damp > 0)
        {
            op = new DampedOperator(op, _damp);
            b = WithZeros(problem.B);
        }
        double tolerance = _options.Tolerance ?? LsqrOptions.DefaultToleranceFor(n);
        var (x, lsqr, atr, residualNorm, normalResidual, status, stopTest, relativeNormal) = SketchedLeastSquares.Refine(op, b, pre, z0,
            Method == LeastSquaresMethod.SketchAndPrecondition && pre.Rank > 0, tolerance, n, _options, token);
        double[]? bound = null;
        LinfCertificate? certificate = null;
        if (_options.Certificate && pre.Rank == d && status != SolverStatus.Cancelled)
        {
            certificate = Certificate(token);
            if (certificate is null) status = SolverStatus.Cancelled;
            else bound = certificate.Bound(atr, GolubKahan.Norm(x), residualNorm, GolubKahan.Norm(b));
        }
        string factorization = corrections > 0
            ? $"{pre.Factorization}, {corrections} seminormal correction{(corrections > 1 ? "s" : "")}"
            : pre.Factorization;
        return new LeastSquaresResult
        {
            X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(problem.UnscaleSolution(x)),
            Method = Method, MethodReason = MethodReason, Sketch = sketch.Kind, SketchRows = m,
            Rank = pre.Rank, RankDeficient = pre.Rank < d, Rcond = Rcond,
            SingularValues = pre.SingularValues is { } sv ? problem.UnscaleSingularValues((double[])sv.Clone()) : null,
            Factorization = factorization,
            Status = status, StopTest = stopTest, Iterations = lsqr?.Iterations ?? 0,
            ResidualNorm = problem.UnscaleResidual(residualNorm),
            NormalResidualNorm = problem.UnscaleNormalResidual(normalResidual),
            RelativeNormalResidual = relativeNormal,
            LinfBound = bound is null ? null : AtLeastSmallest(bound, problem.UnscaleSolution(bound)),
            CertificateFailureProbability = bound is null ? null : _options.CertificateFailureProbability,
            PreconditionedCondition = lsqr is { Iterations: > 2 } ? lsqr.LargestSingularValue / lsqr.SmallestSingularValue : certificate?.ConditionEstimate,
            SketchSeconds = sketchSeconds,
        };
    }

    /// <summary>[S·b; 0] (or [0; S·b], matching the factored [λI; S·A]): the sketched right-hand side of the damped problem.</summary>
    private double[] Stacked(double[] sb, int m)
    {
        var stacked = new double[m + _d];
        sb.CopyTo(stacked, _dampingFirst ? _d : 0);
        return stacked;
    }

    /// <summary>The certificate's σ_min bound, prepared once (null when cancelled, and then tried again by the next solve).</summary>
    private LinfCertificate? Certificate(CancellationToken token)
    {
        lock (_certificateGate)
        {
            int m2 = _options.CertificateRows ?? LinfCertificate.DefaultRows(_d);
            return _certificate ??= _single is null
                ? LinfCertificate.Prepare(_scaled.A, _n, _d, _pre!, _options.Seed, m2, _options.CertificateFailureProbability, token)
                : LinfCertificate.Prepare(_single, _n, _d, _pre!, _options.Seed, m2, _options.CertificateFailureProbability, token);
        }
    }

    private LeastSquaresResult Cancelled(ScaledLeastSquaresProblem problem) => new()
    {
        // x = 0: its residual is b itself, so the reported norm is exact.
        X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(_d),
        Method = Method, MethodReason = MethodReason, Sketch = _sketch?.Kind, SketchRows = SketchRows,
        Rank = Rank, RankDeficient = Rank < _d, Rcond = Rcond,
        Status = SolverStatus.Cancelled,
        ResidualNorm = problem.UnscaleResidual(GolubKahan.Norm(problem.B)),
    };

    /// <summary>
    /// A positive bound that scaling back took below the smallest double stays a bound when raised to
    /// it (the error it bounds is smaller still), and never reads as an exact zero.
    /// </summary>
    private static double[] AtLeastSmallest(double[] scaled, double[] bound)
    {
        for (int i = 0; i < bound.Length; i++) if (bound[i] == 0 && scaled[i] > 0) bound[i] = double.Epsilon;
        return bound;
    }
}
