using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>
/// Plug-and-play solvers for y = Ax + noise with the learned prox in place of a hand-made one:
/// proximal gradient x⁺ = f(x − η·Aᵀ(Ax − b)) and ADMM. Because f is an exact prox, both are the
/// classical algorithms on an explicit objective: proximal gradient on ½‖Ax − b‖² + R_θ/η, ADMM on
/// ½‖Ax − b‖² + ρ·R_θ.
/// </summary>
/// <remarks>
/// x has N = n·p entries for a network of input dimension n; the prox acts on each of the p
/// consecutive blocks of n entries, which is the exact prox of Σ_j R_θ(x_j). A scalar network
/// (n = 1) therefore acts entrywise. R_θ may be nonconvex; the iterations then converge to critical
/// points under the usual conditions (η &lt; 1/‖A‖² for proximal gradient), and convergence is
/// reported as a status, never assumed.
/// </remarks>
public static class PlugAndPlay
{
    /// <summary>Proximal gradient with the learned prox, from x₀ (default Aᵀb).</summary>
    /// <param name="network">The learned prox f.</param>
    /// <param name="a">The forward operator A (Rows × N).</param>
    /// <param name="b">The measurements, length Rows.</param>
    /// <param name="x0">The start, length N; null: Aᵀb.</param>
    /// <param name="options">Null: the defaults of <see cref="PlugAndPlayOptions"/>.</param>
    /// <exception cref="ArgumentException">Shapes do not conform (N must be a multiple of n), NaN/∞ in b or x₀, or bad options.</exception>
    public static PlugAndPlayResult ProximalGradient(InputConvexNetwork network, ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x0 = default, PlugAndPlayOptions? options = null)
    {
        options = Check(network, a, b, x0, options);
        var monitor = Monitor(options);
        double eta = options.StepSize;
        int size = a.Columns;
        var x = Start(a, b, x0);
        var residualVector = new double[a.Rows];
        var gradient = new double[size];
        var next = new double[size];
        for (int k = 0; ; k++)
        {
            double data = DataGradient(a, b, x, residualVector, gradient);
            for (int i = 0; i < size; i++) next[i] = x[i] - eta * gradient[i];
            // A diverging run (η beyond the decrease condition) overflows here; that is a Breakdown
            // status with the last finite x, not the network's argument exception.
            if (next.All(double.IsFinite)) network.Prox(next, next);
            else next[0] = double.NaN;
            double residual = Distance(next, x) / eta;
            monitor.Report(k, data, residual);
            // The residual just computed certifies x (the point it was evaluated at), so x is returned.
            var status = double.IsFinite(residual) ? monitor.Check(k, residual / (1 + Norm(x))) : SolverStatus.Breakdown;
            if (status is { } done) return new(x, done, k, residual);
            (x, next) = (next, x);
        }
    }

    /// <summary>ADMM with the learned prox in the z-step, from z₀ = x₀ (default Aᵀb) and u₀ = 0; returns z.</summary>
    /// <inheritdoc cref="ProximalGradient" path="/param"/>
    /// <remarks>
    /// Each iteration: x ← (AᵀA + ρI)⁻¹(Aᵀb + ρ(z − u)) by the shared conjugate gradients (warm
    /// started), z ← f(x + u), u ← u + x − z. The residual is the largest of the primal ‖x − z‖, the
    /// dual ρ‖z − z_prev‖ and the recomputed residual of the x-step's linear system, so an inexact
    /// inner solve cannot pass for convergence.
    /// </remarks>
    /// <exception cref="ArgumentException">As <see cref="ProximalGradient"/>.</exception>
    public static PlugAndPlayResult Admm(InputConvexNetwork network, ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x0 = default, PlugAndPlayOptions? options = null)
    {
        options = Check(network, a, b, x0, options);
        var monitor = Monitor(options);
        double rho = options.Penalty;
        int size = a.Columns;
        var z = Start(a, b, x0);
        var atb = new double[size];
        a.MultiplyTransposed(b, atb);
        var x = (double[])z.Clone();
        var u = new double[size];
        var rhs = new double[size];
        var v = new double[size];
        var normal = new RegularisedNormalOperator(a, rho);
        var cgOptions = new ConjugateGradientOptions<double[]> { Tolerance = options.InnerTolerance, MaxIterations = options.InnerMaxIterations };
        for (int k = 1; ; k++)
        {
            for (int i = 0; i < size; i++) rhs[i] = atb[i] + rho * (z[i] - u[i]);
            x = ConjugateGradient.Solve(normal, rhs, x, cgOptions).X;
            // The inner solve is inexact (30 CG steps by default): its residual e enters the
            // stationarity of the returned z, Aᵀ(Az − b) + ρ·∇R(z) = AᵀA(z − x) + ρ(z_prev − z) + e,
            // so it is recomputed here and is part of the convergence test.
            normal.Apply(x, v);
            double inner = 0;
            for (int i = 0; i < size; i++) inner += (v[i] - rhs[i]) * (v[i] - rhs[i]);
            inner = Math.Sqrt(inner);
            for (int i = 0; i < size; i++) v[i] = x[i] + u[i];
            var zNext = new double[size];
            if (v.All(double.IsFinite)) network.Prox(v, zNext);
            else zNext[0] = double.NaN;
            double primal = Distance(x, zNext), dual = rho * Distance(zNext, z);
            double residual = Math.Max(Math.Max(primal, dual), inner);
            if (!double.IsFinite(residual)) return new(z, SolverStatus.Breakdown, k - 1, residual);
            for (int i = 0; i < size; i++) u[i] += x[i] - zNext[i];
            z = zNext;
            monitor.Report(k, double.NaN, residual);
            if (monitor.Check(k, residual / (1 + Norm(z))) is { } done) return new(z, done, k, residual);
        }
    }

    private static PlugAndPlayOptions Check(InputConvexNetwork network, ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x0, PlugAndPlayOptions? options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(a);
        if (a.Columns < 1 || a.Columns % network.InputDimension != 0)
            throw new ArgumentException($"a has {a.Columns} columns, not a positive multiple of the network's input dimension {network.InputDimension}.", nameof(a));
        if (b.Length != a.Rows) throw new ArgumentException($"b has length {b.Length}; a has {a.Rows} rows.", nameof(b));
        DenseStorage.RequireFinite(b, nameof(b));
        if (!x0.IsEmpty)
        {
            if (x0.Length != a.Columns) throw new ArgumentException($"x0 has length {x0.Length}; a has {a.Columns} columns.", nameof(x0));
            DenseStorage.RequireFinite(x0, nameof(x0));
        }
        options ??= new PlugAndPlayOptions();
        options.Validate(nameof(options));
        return options;
    }

    private static IterationMonitor Monitor(PlugAndPlayOptions options) =>
        new(options, options.Tolerance ?? PlugAndPlayOptions.DefaultTolerance, options.MaxIterations ?? PlugAndPlayOptions.DefaultMaxIterations);

    private static double[] Start(ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x0)
    {
        if (!x0.IsEmpty) return x0.ToArray();
        var x = new double[a.Columns];
        a.MultiplyTransposed(b, x);
        return x;
    }

    /// <summary>Writes ∇h(x) = Aᵀ(Ax − b) and returns h(x) = ½‖Ax − b‖².</summary>
    private static double DataGradient(ILinearOperator a, ReadOnlySpan<double> b, double[] x, double[] residual, double[] gradient)
    {
        a.Multiply(x, residual);
        double h = 0;
        for (int i = 0; i < residual.Length; i++)
        {
            residual[i] -= b[i];
            h += 0.5 * residual[i] * residual[i];
        }
        a.MultiplyTransposed(residual, gradient);
        return h;
    }

    private static double Distance(double[] p, double[] q)
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++) s += (p[i] - q[i]) * (p[i] - q[i]);
        return Math.Sqrt(s);
    }

    private static double Norm(double[] p)
    {
        double s = 0;
        foreach (double e in p) s += e * e;
        return Math.Sqrt(s);
    }

    /// <summary>AᵀA + ρI, the matrix of ADMM's x-step.</summary>
    private sealed class RegularisedNormalOperator(ILinearOperator a, double rho) : ISymmetricOperator<double[]>
    {
        private readonly double[] _ax = new double[a.Rows];

        public int Dimension => a.Columns;

        public void Apply(double[] x, double[] y)
        {
            a.Multiply(x, _ax);
            a.MultiplyTransposed(_ax, y);
            for (int i = 0; i < y.Length; i++) y[i] += rho * x[i];
        }
    }
}
