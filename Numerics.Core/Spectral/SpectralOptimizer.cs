using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;
using Numerics.Arithmetic;
using Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>
/// An optimizer over named parameter matrices with decoupled weight decay and optional SPECTRA
/// post-processing. Step t updates every parameter W from its gradient G as
/// <code>
/// G ← H_{c_pre,t}(G)            (pre-clip, matrices only, optional)
/// G ← G·min(1, γ/‖(G₁, G₂, …)‖)  (global-norm clip over all gradients, optional)
/// U = base direction from G      (AdamW, Signum or AdEMAMix; moments per parameter)
/// W ← (1 − η_tλ)·W − η_t·s·P(U)
/// </code>
/// where P is the soft clip H_{c_t} (or the polar factor, <see cref="SpectraTransform.Orthogonalize"/>),
/// η_t = η·min(1, t/T) and c_t = c·η/η_t (so η_t·c_t stays constant during warmup; c_t = c after).
/// A matrix (rows &gt; 1 and cols &gt; 1) gets s = √max(1, rows/cols); a vector (n×1, 1×n, 1×1)
/// gets s = 1 and the closed-form soft clip u/√(1 + ‖u‖²/c_t²). Weight decay is never clipped.
/// </summary>
/// <remarks>
/// <para><b>Invariant (Frank–Wolfe).</b> With 0 &lt; η_tλ &lt; 1 the step is the convex combination
/// W_{t+1} = (1 − η_tλ)·W_t + η_tλ·(−s·P(U)/λ), and ‖s·P(U)‖₂ ≤ s·c_t, hence at every step
/// ‖W_{t+1}‖₂ ≤ max(‖W_t‖₂, s·c_t/λ) (soft clip; for the polar factor replace c_t by 1 and s by the
/// orthogonal scale). During warmup c_t &gt; c, so ‖W‖₂ may exceed s·c/λ then, and afterwards it
/// decays toward that radius geometrically (factor 1 − ηλ per step) rather than being below it at
/// once. Every clip the step accepts is certified to ‖s·P(U)‖₂ ≤ s·c_t·(1 + 10·tol) (tol = 1e-12 by
/// default), so the bound holds to that relative accuracy.</para>
/// <para><b>Convergence guard.</b> Each matrix function goes through <see cref="SpectralClip.Apply{T}"/>
/// with its fallback chain (Newton–Schulz, then the exact eigen path, then the SVD); a value that
/// did not come from Newton–Schulz is counted in <see cref="LastStep"/>. A result that is not
/// <see cref="Optimization.SolverStatus.Converged"/> or not finite makes the step throw
/// <see cref="InvalidOperationException"/>, and nothing has changed.</para>
/// <para><b>Atomic steps.</b> A step validates every input, computes all new weights and moments into
/// scratch arrays, checks that they are finite, and only then writes them. A rejected step leaves
/// the weights, the moments and <see cref="StepCount"/> as they were.</para>
/// <para><b>Precision.</b> Moments and the update are computed in double; float parameters are read
/// as double and the new weight is rounded to float once, when written back.</para>
/// <para>Parameters are visited in ordinal name order; state is kept per name and can be saved and
/// restored with <see cref="Save"/> and <see cref="Load"/>.</para>
/// </remarks>
public abstract partial class SpectralOptimizer
{
    private readonly OptimizerOptions _options;
    private readonly ParameterGroup[] _groups;
    private readonly OptimizerKind _kind;
    private readonly int _momentCount;
    private Dictionary<string, ParameterState> _state = new(StringComparer.Ordinal);

    private protected SpectralOptimizer(OptimizerOptions options, OptimizerKind kind, int momentCount)
    {
        options.Validate(nameof(options));
        _options = options;
        _groups = [.. options.Groups];
        _kind = kind;
        _momentCount = momentCount;
        OptionsFingerprint = Fingerprint(kind, options);
    }

    /// <summary>The options (validated at construction).</summary>
    public OptimizerOptions Options => _options;

    /// <summary>Steps taken (restored by <see cref="Load"/>).</summary>
    public int StepCount { get; private set; }

    /// <summary>Diagnostics of the last successful step; null before the first one and after <see cref="Load"/>.</summary>
    public SpectralStepReport? LastStep { get; private set; }

    /// <summary>The default learning rate of step t ≥ 1: η_t = η·min(1, t/T). A group's rate is scaled by the same factor.</summary>
    /// <exception cref="ArgumentOutOfRangeException">t &lt; 1.</exception>
    public double LearningRateAt(int t) => _options.LearningRate * WarmupFactor(t);

    /// <summary>The default post-clip level of step t ≥ 1: c·η/η_t during warmup, c after; +∞ without a post clip.</summary>
    /// <exception cref="ArgumentOutOfRangeException">t &lt; 1.</exception>
    public double ClipLevelAt(int t) => _options.Spectra?.PostClip is { } c ? c / WarmupFactor(t) : double.PositiveInfinity;

    /// <summary>The pre-clip level of step t ≥ 1: c_pre·η/η_t during warmup, c_pre after; +∞ without a pre-clip.</summary>
    /// <exception cref="ArgumentOutOfRangeException">t &lt; 1.</exception>
    public double PreClipLevelAt(int t) => _options.Spectra?.PreClip is { } c ? c / WarmupFactor(t) : double.PositiveInfinity;

    /// <summary>η_t/η = min(1, t/T).</summary>
    private double WarmupFactor(int t)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(t, 1);
        return _options.WarmupSteps == 0 ? 1.0 : Math.Min(1.0, (double)t / _options.WarmupSteps);
    }

    /// <summary>
    /// One step: updates every parameter in place from its gradient (see the class summary). Every
    /// parameter needs a gradient of its shape, every gradient a parameter; the matrices must be dense.
    /// </summary>
    /// <param name="parameters">The parameters by name, updated in place.</param>
    /// <param name="gradients">Their gradients, by the same names (read only).</param>
    /// <exception cref="ArgumentException">
    /// A parameter or gradient is null, not dense, mis-shaped (against its gradient or the optimizer's
    /// state for that name) or holds NaN/∞; a gradient has no parameter; or the step would make a
    /// weight or moment non-finite. The message names the parameter; nothing is changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">A clip or polar factor could not be certified by any method of the fallback chain (nothing is changed).</exception>
    public void Step(IReadOnlyDictionary<string, Matrix<double>> parameters, IReadOnlyDictionary<string, Matrix<double>> gradients) =>
        StepCore(parameters, gradients);

    /// <summary>
    /// One step on float parameters: the same arithmetic in double (moments are kept in double), each
    /// new weight rounded to float when written back.
    /// </summary>
    /// <param name="parameters">The parameters by name, updated in place.</param>
    /// <param name="gradients">Their gradients, by the same names (read only).</param>
    /// <exception cref="ArgumentException">As for the double overload; also when a new weight overflows float.</exception>
    /// <exception cref="InvalidOperationException">A clip or polar factor could not be certified by any method of the fallback chain (nothing is changed).</exception>
    public void Step(IReadOnlyDictionary<string, Matrix<float>> parameters, IReadOnlyDictionary<string, Matrix<float>> gradients) =>
        StepCore(parameters, gradients);

    /// <summary>The base optimizer's direction U for one parameter at step t; updates <paramref name="moments"/> (scratch copies) in place.</summary>
    private protected abstract void Direction(ReadOnlySpan<double> gradient, int t, double[][] moments, Span<double> direction);

    private void StepCore<T>(IReadOnlyDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradients);
        if (StepCount == int.MaxValue) throw new InvalidOperationException("The step count would overflow.");
        var work = Validate(parameters, gradients);
        int t = StepCount + 1;
        double warm = WarmupFactor(t);
        var spectra = _options.Spectra;
        var report = new Counters();

        // Pre-clip (matrices only), then the global norm of all gradients together.
        var norms = new double[work.Length];
        for (int i = 0; i < work.Length; i++)
        {
            var p = work[i];
            if (spectra?.PreClip is { } cPre && p.IsMatrix)
                p.Gradient = Spectral(SpectralMode.Soft, p, p.Gradient, cPre / warm, report);
            norms[i] = SpanArithmetic.Norm<double>(p.Gradient);
        }
        double gradientNorm = SpanArithmetic.Norm<double>(norms);
        double gradientScale = _options.GradientClipNorm is { } maxNorm && gradientNorm > maxNorm ? maxNorm / gradientNorm : 1.0;
        for (int i = 0; i < work.Length; i++)
        {
            var p = work[i];
            if (gradientScale != 1) foreach (ref var g in p.Gradient.AsSpan()) g *= gradientScale;

            var moments = new double[_momentCount][];
            for (int k = 0; k < _momentCount; k++)
                moments[k] = _state.TryGetValue(p.Name, out var s) ? (double[])s.Moments[k].Clone() : new double[p.Gradient.Length];
            var u = new double[p.Gradient.Length];
            Direction(p.Gradient, t, moments, u);
            p.Moments = moments;

            var (lr, wd, c) = Settings(p.Name, p.Rows, p.Cols);
            if (spectra is not null) u = PostProcess(spectra, p, u, c is { } level ? level / warm : null, report);

            double eta = lr * warm, keep = 1 - eta * wd;
            var weights = p.Weights;
            var next = new T[weights.Length];
            for (int j = 0; j < next.Length; j++)
            {
                next[j] = T.CreateTruncating(keep * double.CreateTruncating(weights[j]) - eta * u[j]);
                if (!T.IsFinite(next[j]))
                    throw new ArgumentException($"The step would make parameter '{p.Name}' non-finite at flat index {j} (gradient too large); nothing was changed.", nameof(gradients));
            }
            foreach (var m in moments)
                if (!double.IsFinite(SpanArithmetic.MaxAbs<double>(m)))
                    throw new ArgumentException($"The step would make a moment of parameter '{p.Name}' non-finite (gradient too large); nothing was changed.", nameof(gradients));
            p.Next = next;
        }

        // Commit: nothing above has touched the parameters or the state.
        foreach (var p in work)
        {
            _state[p.Name] = new ParameterState(p.Rows, p.Cols, p.Moments!);
            p.Next!.CopyTo(p.Weights, 0);
        }
        StepCount = t;
        LastStep = new SpectralStepReport(t, gradientNorm, gradientScale, report.Clips, report.Names.Count, report.Names);
    }

    /// <summary>Checks every input before anything is computed; returns the work list in ordinal name order.</summary>
    private Pending<T>[] Validate<T>(IReadOnlyDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var name in gradients.Keys)
            if (!parameters.ContainsKey(name))
                throw new ArgumentException($"Gradient '{name}' has no parameter of that name.", nameof(gradients));
        var work = new List<Pending<T>>(parameters.Count);
        foreach (var name in parameters.Keys.Order(StringComparer.Ordinal))
        {
            var w = parameters[name];
            if (w is null) throw new ArgumentException($"Parameter '{name}' is null.", nameof(parameters));
            if (w.Storage is not DenseColumnMajorMatrixStorage<T> dense)
                throw new ArgumentException($"Parameter '{name}' must be a dense matrix (it is updated in place).", nameof(parameters));
            if (!gradients.TryGetValue(name, out var g)) throw new ArgumentException($"No gradient for parameter '{name}'.", nameof(gradients));
            if (g is null) throw new ArgumentException($"The gradient of '{name}' is null.", nameof(gradients));
            if (g.RowCount != w.RowCount || g.ColumnCount != w.ColumnCount)
                throw new ArgumentException($"Gradient '{name}' is {g.RowCount}×{g.ColumnCount}; the parameter is {w.RowCount}×{w.ColumnCount}.", nameof(gradients));
            if (_state.TryGetValue(name, out var s) && (s.Rows != w.RowCount || s.Cols != w.ColumnCount))
                throw new ArgumentException($"Parameter '{name}' is {w.RowCount}×{w.ColumnCount}, but the optimizer's state for it is {s.Rows}×{s.Cols}.", nameof(parameters));
            RequireFinite<T>(dense.Data, name, "Parameter", nameof(parameters));
            var gradient = DenseStorage.ColumnMajor(g);
            RequireFinite<T>(gradient, name, "Gradient", nameof(gradients));
            work.Add(new Pending<T>(name, w.RowCount, w.ColumnCount, dense.Data, Array.ConvertAll(gradient, v => double.CreateTruncating(v))));
        }
        return [.. work];
    }

    private static void RequireFinite<T>(ReadOnlySpan<T> values, string name, string what, string paramName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (double.IsFinite(SpanArithmetic.MaxAbs(values))) return;
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i]))
                throw new ArgumentException($"{what} '{name}' holds {values[i]} at flat index {i}.", paramName);
    }

    /// <summary>The learning rate, weight decay and post-clip level of a parameter: its first matching group's, else the options'.</summary>
    private (double LearningRate, double WeightDecay, double? PostClip) Settings(string name, int rows, int cols)
    {
        foreach (var g in _groups)
            if (g.Matches(name, rows, cols))
                return (g.LearningRate ?? _options.LearningRate, g.WeightDecay ?? _options.WeightDecay, g.PostClip ?? _options.Spectra?.PostClip);
        return (_options.LearningRate, _options.WeightDecay, _options.Spectra?.PostClip);
    }

    /// <summary>s·P(U): the soft clip at <paramref name="c"/> (null: none) or the scaled polar factor for matrices; the closed-form soft clip for vectors.</summary>
    private double[] PostProcess<T>(SpectraClipping spectra, Pending<T> p, double[] u, double? c, Counters report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.IsMatrix)
        {
            double s;
            SpectralMode mode;
            if (spectra.Transform == SpectraTransform.Orthogonalize)
            {
                (mode, c) = (SpectralMode.Polar, 1.0);
                s = spectra.OrthogonalScale == OrthogonalScale.Muon ? MuonScale(p.Rows, p.Cols) : 0.2 * Math.Sqrt(Math.Max(p.Rows, p.Cols));
            }
            else
            {
                if (c is null) return u;
                (mode, s) = (SpectralMode.Soft, MuonScale(p.Rows, p.Cols));
            }
            var v = Spectral(mode, p, u, c.Value, report);
            foreach (ref var x in v.AsSpan()) x *= s;
            return v;
        }
        if (c is { } level && spectra.ClipVectors) SoftClipVector(u, level);
        return u;
    }

    /// <summary>√max(1, rows/cols): Muon's and SPECTRA's post-clip scale for a rows×cols matrix.</summary>
    private static double MuonScale(int rows, int cols) => Math.Sqrt(Math.Max(1.0, (double)rows / cols));

    /// <summary>
    /// u ← u/√(1 + ‖u‖²/c²) = H_c(u) for a vector (its one singular value is ‖u‖). The official code
    /// returns u unchanged when ‖u‖ ≤ c, which is discontinuous at ‖u‖ = c; this is the continuous map.
    /// </summary>
    private static void SoftClipVector(Span<double> u, double c)
    {
        double r = SpanArithmetic.Norm<double>(u);
        if (r == 0) return;
        double factor = 1 / double.Hypot(1, r / c);
        foreach (ref var x in u) x *= factor;
    }

    /// <summary>
    /// A Newton–Schulz spectral function; <see cref="SpectralClip.Apply{T}"/> replaces a result it cannot
    /// certify by the exact eigen path (then the SVD), and the step refuses anything still uncertified.
    /// </summary>
    private double[] Spectral<T>(SpectralMode mode, Pending<T> p, double[] x, double c, Counters report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ns = _options.Spectra!.NewtonSchulz;
        var input = Matrix<double>.Build.Dense(p.Rows, p.Cols, x);
        report.Clips++;
        SpectralClipResult<double> result;
        try
        {
            result = SpectralClip.Apply(mode, input, c, new SpectralClipOptions { NewtonSchulz = ns, Fallback = true });
        }
        catch (ArithmeticException e)
        {
            throw new InvalidOperationException($"The {mode} function of '{p.Name}' failed: {e.Message} Nothing was changed.", e);
        }
        if (result.FellBack) report.Names.Add(p.Name);
        if (!result.Converged || !IsFinite(result.Value))
            throw new InvalidOperationException($"The {mode} function of '{p.Name}' could not be certified ({result.Status} by {result.Method}); nothing was changed.");
        return DenseStorage.ColumnMajor(result.Value);
    }

    private static bool IsFinite(Matrix<double> m) => double.IsFinite(SpanArithmetic.MaxAbs<double>(DenseStorage.ColumnMajor(m)));

    /// <summary>One parameter's step in progress: inputs, then the scratch results that the commit writes.</summary>
    private sealed class Pending<T>(string name, int rows, int cols, T[] weights, double[] gradient)
    {
        public string Name { get; } = name;
        public int Rows { get; } = rows;
        public int Cols { get; } = cols;
        public bool IsMatrix => Rows > 1 && Cols > 1;
        public T[] Weights { get; } = weights;
        public double[] Gradient { get; set; } = gradient;
        public double[][]? Moments { get; set; }
        public T[]? Next { get; set; }
    }

    /// <summary>The stored state of one parameter: its shape and moments (each rows·cols long, column-major).</summary>
    private sealed record ParameterState(int Rows, int Cols, double[][] Moments);

    private sealed class Counters
    {
        public int Clips { get; set; }
        public List<string> Names { get; } = [];
    }
}
