using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// The strong-Wolfe line search of Nocedal &amp; Wright (Numerical Optimization, 2nd ed., Algorithms
/// 3.5 and 3.6): find α &gt; 0 with
/// φ(α) ≤ φ(0) + c₁·α·φ′(0) (sufficient decrease) and |φ′(α)| ≤ c₂·|φ′(0)| (curvature),
/// where φ(α) = f(x + α·d), by growing the step until a bracket is found and then zooming in on it
/// with safeguarded cubic interpolation.
/// </summary>
/// <remarks>
/// <para>
/// Defaults c₁ = 1e-4, c₂ = 0.9 and 20 evaluations per search are those of SciPy's L-BFGS-B
/// (ftol, gtol and maxls of its line search), the values Nocedal &amp; Wright recommend for
/// quasi-Newton directions, whose unit step is usually acceptable. The strong (two-sided)
/// curvature condition keeps sᵀy ≥ (1 − c₂)·|∇f(x)ᵀs| &gt; 0, so a BFGS update after an accepted
/// step keeps the inverse-Hessian approximation positive definite.
/// </para>
/// <para>
/// Bracketing: a trial that fails sufficient decrease, or is no lower than the previous trial, or
/// has φ′ ≥ 0, closes a bracket and the search zooms; otherwise the next trial is the minimiser of
/// the cubic through the last two trials, kept within [α + 1.1·Δ, α + 4·Δ] (Δ the last increase, as
/// in Moré–Thuente) and below <see cref="MaxStep"/>. Zoom: the cubic through the bracket's ends
/// (NW eq. 3.59), replaced by bisection when it falls within 10 % of an end or is undefined.
/// Where NW compare values with ≥, this search uses &gt;: a tie means f no longer resolves the
/// difference (f flat at rounding level), and the slope, which still does, decides.
/// </para>
/// <para>
/// A trial whose value or slope is not finite (overflow, or a point outside f's domain) is
/// treated as too long: it becomes an upper limit that no later trial reaches, and the step is
/// halved towards the last finite trial. The search never returns a step that violates the
/// conditions: when it runs out of evaluations, when the bracket shrinks to rounding level, or
/// when φ still falls at <see cref="MaxStep"/>, it reports failure
/// (<see cref="LineSearchResult.Satisfied"/> false) and the caller decides what to do.
/// </para>
/// </remarks>
public sealed class StrongWolfeLineSearch : ILineSearch
{
    /// <summary>The largest step tried (SciPy L-BFGS-B's stpmx for unconstrained problems): beyond it f is taken to be unbounded below.</summary>
    public const double MaxStep = 1e10;

    /// <summary>Safeguard of the zoom: an interpolated trial closer than this fraction of the bracket to an end is replaced by the midpoint.</summary>
    private const double EndMargin = 0.1;

    /// <summary>2⁻⁵²: a bracket narrower than a few of these relative to its ends holds no representable progress.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>A line search with the given constants.</summary>
    /// <param name="sufficientDecrease">c₁ ∈ (0, c₂); default 1e-4.</param>
    /// <param name="curvature">c₂ ∈ (c₁, 1); default 0.9.</param>
    /// <param name="maxEvaluations">Objective evaluations allowed per search (≥ 1); default 20.</param>
    /// <param name="flatTolerance">
    /// ε ≥ 0 of the approximate-Wolfe test (Hager &amp; Zhang, SIAM J. Optim. 16, 2005, §4): a trial whose
    /// value lies within ε·|φ(0)| of φ(0), where f no longer resolves the decrease, passes sufficient
    /// decrease when φ′(α) ≤ (1 − 2c₁)·|φ′(0)| (the sufficient-decrease test of the quadratic through
    /// φ(0), φ′(0) and φ′(α)), and values inside that band are not compared with each other. Default 0:
    /// the exact strong-Wolfe search. See <see cref="FlatTolerance"/>.
    /// </param>
    /// <exception cref="ArgumentException">0 &lt; c₁ &lt; c₂ &lt; 1 fails, <paramref name="maxEvaluations"/> &lt; 1, or ε is negative or not finite.</exception>
    public StrongWolfeLineSearch(double sufficientDecrease = 1e-4, double curvature = 0.9, int maxEvaluations = 20, double flatTolerance = 0)
    {
        if (!(flatTolerance >= 0) || !double.IsFinite(flatTolerance))
            throw new ArgumentException($"flatTolerance must be non-negative and finite, got {flatTolerance}.", nameof(flatTolerance));
        FlatTolerance = flatTolerance;
        if (!(sufficientDecrease > 0) || !(sufficientDecrease < 1))
            throw new ArgumentException($"c1 must lie in (0, 1), got {sufficientDecrease}.", nameof(sufficientDecrease));
        if (!(curvature > sufficientDecrease) || !(curvature < 1))
            throw new ArgumentException($"c2 must lie in (c1, 1) = ({sufficientDecrease}, 1), got {curvature}.", nameof(curvature));
        if (maxEvaluations < 1)
            throw new ArgumentException($"maxEvaluations must be at least 1, got {maxEvaluations}.", nameof(maxEvaluations));
        SufficientDecrease = sufficientDecrease;
        Curvature = curvature;
        MaxEvaluations = maxEvaluations;
    }

    /// <summary>c₁ of the sufficient-decrease condition.</summary>
    public double SufficientDecrease { get; }

    /// <summary>c₂ of the curvature condition.</summary>
    public double Curvature { get; }

    /// <summary>Objective evaluations allowed per search.</summary>
    public int MaxEvaluations { get; }

    /// <summary>
    /// ε of the approximate-Wolfe test (0: off). Near a minimum the decrease a step can make,
    /// about ‖∇f‖²/L, falls below the rounding of f itself (u·|f| and more for a long sum), and a
    /// search that compares values can only fail there, although the slope φ′, computed from the
    /// gradient, still tells where the minimum along d lies. With ε &gt; 0 such trials are judged by
    /// their slope, which lets a minimiser drive ‖∇f‖ well below the f-resolution floor; the price is
    /// that an accepted step may raise f by up to ε·|f|. For convex f a step with φ′(α) ≤ 0 cannot
    /// raise f at all, whatever the rounding of the computed values.
    /// </summary>
    public double FlatTolerance { get; }

    /// <inheritdoc />
    public LineSearchResult Search<TVector>(IDifferentiableObjective<TVector> objective, IVectorArithmetic<TVector> arithmetic,
        TVector x, double value, TVector gradient, TVector direction, double initialStep, TVector trialPoint, TVector trialGradient)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(arithmetic);
        if (!double.IsFinite(value)) throw new ArgumentException($"f(x) must be finite, got {value}.", nameof(value));
        if (!(initialStep > 0) || !double.IsFinite(initialStep))
            throw new ArgumentException($"The initial step must be positive and finite, got {initialStep}.", nameof(initialStep));
        double slope0 = arithmetic.Dot(gradient, direction);
        if (!(slope0 < 0) || !double.IsFinite(slope0))
            throw new ArgumentException($"The direction is not a descent direction: ∇f(x)ᵀd = {slope0}.", nameof(direction));

        var phi = new Phi<TVector>(objective, arithmetic, x, direction, trialPoint, trialGradient, value, slope0,
            SufficientDecrease, Curvature, MaxEvaluations, FlatTolerance);
        return Bracket(ref phi, Math.Min(initialStep, MaxStep));
    }

    /// <summary>NW Algorithm 3.5: grow the step until the conditions hold or a bracket is found.</summary>
    private static LineSearchResult Bracket<TVector>(ref Phi<TVector> phi, double step)
    {
        double prev = 0, prevValue = phi.Value0, prevSlope = phi.Slope0;
        double limit = double.PositiveInfinity;
        while (phi.Evaluations < phi.MaxEvaluations)
        {
            var (f, s) = phi.Evaluate(step);
            if (!double.IsFinite(f) || !double.IsFinite(s))
            {
                limit = step;
                step = prev + 0.5 * (step - prev);
                if (!(step > prev)) break;
                continue;
            }
            // A trial above the previous one closes the bracket too (NW 3.5). NW write ≥; a tie means f
            // cannot tell the two apart at rounding level, and the slope decides instead.
            if (!phi.SufficientDecrease(step, f, s) || (prev > 0 && phi.Above(f, prevValue)))
                return Zoom(ref phi, prev, prevValue, prevSlope, step, f, s);
            phi.Remember(step, f, s);
            if (phi.Curvature(s)) return new LineSearchResult(step, f, s, phi.Evaluations, true);
            if (s >= 0) return Zoom(ref phi, step, f, s, prev, prevValue, prevSlope);
            if (step >= MaxStep) break;

            double delta = step - prev;
            double next = Cubic(prev, prevValue, prevSlope, step, f, s);
            double low = step + 1.1 * delta, high = step + 4 * delta;
            next = double.IsNaN(next) || next > high ? high : Math.Max(next, low);
            if (next >= limit) next = step + 0.5 * (limit - step);
            next = Math.Min(next, MaxStep);
            if (!(next > step)) break;
            (prev, prevValue, prevSlope) = (step, f, s);
            step = next;
        }
        return phi.Failure();
    }

    /// <summary>
    /// NW Algorithm 3.6 on the bracket (lo, hi): lo is the lowest trial that gives sufficient
    /// decrease and φ′(lo)·(hi − lo) &lt; 0, so the bracket holds a point meeting both conditions.
    /// </summary>
    private static LineSearchResult Zoom<TVector>(ref Phi<TVector> phi, double lo, double loValue, double loSlope,
        double hi, double hiValue, double hiSlope)
    {
        bool hiFinite = true;
        while (phi.Evaluations < phi.MaxEvaluations)
        {
            double width = Math.Abs(hi - lo);
            if (width <= 4 * MachineEpsilon * Math.Max(Math.Abs(lo), Math.Abs(hi))) break;
            double left = Math.Min(lo, hi) + EndMargin * width, right = Math.Max(lo, hi) - EndMargin * width;
            double step = hiFinite ? Cubic(lo, loValue, loSlope, hi, hiValue, hiSlope) : double.NaN;
            if (!(step >= left && step <= right)) step = 0.5 * (lo + hi);
            if (step == lo || step == hi) break;

            var (f, s) = phi.Evaluate(step);
            if (!double.IsFinite(f) || !double.IsFinite(s))
            {
                (hi, hiValue, hiSlope, hiFinite) = (step, f, s, false);
                continue;
            }
            if (!phi.SufficientDecrease(step, f, s) || phi.Above(f, loValue))
            {
                (hi, hiValue, hiSlope, hiFinite) = (step, f, s, true);
                continue;
            }
            phi.Remember(step, f, s);
            if (phi.Curvature(s)) return new LineSearchResult(step, f, s, phi.Evaluations, true);
            if (s * (hi - lo) >= 0) (hi, hiValue, hiSlope, hiFinite) = (lo, loValue, loSlope, true);
            (lo, loValue, loSlope) = (step, f, s);
        }
        return phi.Failure();
    }

    /// <summary>
    /// The stationary point of the cubic interpolating φ and φ′ at a and b that is a minimiser
    /// (NW eq. 3.59); NaN when the cubic has none.
    /// </summary>
    private static double Cubic(double a, double fa, double da, double b, double fb, double db)
    {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double discriminant = d1 * d1 - da * db;
        if (!(discriminant >= 0)) return double.NaN;
        double d2 = Math.CopySign(Math.Sqrt(discriminant), b - a);
        double t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
        return double.IsFinite(t) ? t : double.NaN;
    }

    /// <summary>φ(α) = f(x + α·d) and φ′(α), evaluated into the caller's trial buffers, with the search's constants and counters.</summary>
    private struct Phi<TVector>
    {
        private readonly IDifferentiableObjective<TVector> _objective;
        private readonly IVectorArithmetic<TVector> _ops;
        private readonly TVector _x, _d, _trial, _trialGradient;
        private readonly double _c1, _c2;
        private double _bestStep, _bestValue, _bestSlope;

        public Phi(IDifferentiableObjective<TVector> objective, IVectorArithmetic<TVector> ops, TVector x, TVector d,
            TVector trial, TVector trialGradient, double value0, double slope0, double c1, double c2, int maxEvaluations, double flat)
        {
            (_objective, _ops, _x, _d, _trial, _trialGradient) = (objective, ops, x, d, trial, trialGradient);
            (Value0, Slope0, _c1, _c2, MaxEvaluations) = (value0, slope0, c1, c2, maxEvaluations);
            (_bestStep, _bestValue, _bestSlope) = (0, value0, slope0);
            _band = flat * Math.Abs(value0);
            _flat = flat > 0;
        }

        private readonly double _band;
        private readonly bool _flat;

        /// <summary>True when the approximate-Wolfe test is on and f lies within ε·|φ(0)| of φ(0).</summary>
        private readonly bool Flat(double f) => _flat && Math.Abs(f - Value0) <= _band;

        public double Value0 { get; }

        public double Slope0 { get; }

        public int MaxEvaluations { get; }

        public int Evaluations { get; private set; }

        public (double Value, double Slope) Evaluate(double step)
        {
            _ops.Copy(_x, _trial);
            _ops.Axpby(step, _d, 1.0, _trial);
            Evaluations++;
            double f = _objective.Evaluate(_trial, _trialGradient);
            return (f, _ops.Dot(_trialGradient, _d));
        }

        /// <summary>Armijo on the values; inside the flat band, its quadratic-model form on the slope (Hager–Zhang's approximate Wolfe).</summary>
        public readonly bool SufficientDecrease(double step, double f, double slope) =>
            f <= Value0 + _c1 * step * Slope0 || (Flat(f) && slope <= (2 * _c1 - 1) * Slope0);

        /// <summary>f above <paramref name="other"/>, unless both lie in the flat band, where their order is rounding noise.</summary>
        public readonly bool Above(double f, double other) => f > other && !(Flat(f) && Flat(other));

        public readonly bool Curvature(double slope) => Math.Abs(slope) <= -_c2 * Slope0;

        /// <summary>Records a trial with sufficient decrease and the lowest value so far (every caller has checked both).</summary>
        public void Remember(double step, double f, double s) => (_bestStep, _bestValue, _bestSlope) = (step, f, s);

        public readonly LineSearchResult Failure() => new(_bestStep, _bestValue, _bestSlope, Evaluations, false);
    }
}
