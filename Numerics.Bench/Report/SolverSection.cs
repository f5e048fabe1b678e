using MathNet.Numerics.LinearAlgebra;
using Numerics.Bench.Problems;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Bench.Report;

/// <summary>
/// The shared solvers against same-run baselines: conjugate gradients on a dense SPD system against
/// the dense direct solve (LAPACK gesv), and L-BFGS on extended Rosenbrock against the cost of its
/// own objective evaluations (the solver's overhead is the difference).
/// </summary>
internal sealed class SolverSection : IReportSection
{
    private static readonly int[] SmokeCg = [200], FullCg = [1000, 2000];
    private static readonly int[] SmokeLbfgs = [1000], FullLbfgs = [100_000, 1_000_000];

    /// <inheritdoc />
    public string Name => "solvers";

    /// <inheritdoc />
    public string Description => "conjugate gradients against LAPACK gesv, L-BFGS against its own objective evaluations";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## Shared solvers (host, double)");
        w.WriteLine();
        var cg = new ReportTable("n", "method", "seconds", "speed-up vs gesv", "iterations", "‖b − Ax‖/‖b‖", "‖x − x_gesv‖/‖x_gesv‖");
        foreach (int n in context.Sizes(SmokeCg, FullCg))
        {
            var (a, b) = SolverProblems.DenseSpd(n);
            var bv = Vector<double>.Build.Dense(b);
            double bNorm = bv.L2Norm();

            Matrix<double> direct = null!;
            double tDirect = Timing.Best(() => direct = Lapack.Solve(a, bv.ToColumnMatrix()), 3);
            var xDirect = direct.Column(0);
            cg.Add(n, "gesv (baseline)", tDirect, 1.0, 0, (bv - a * xDirect).L2Norm() / bNorm, 0.0);

            var op = new DenseOperator(a.ToColumnMajorArray(), n, n, n);
            foreach (double tol in new[] { 1e-6, 1e-10 })
            {
                ConjugateGradientResult<double[]> r = null!;
                double t = Timing.Best(() => r = ConjugateGradient.Solve(op, b, options: new ConjugateGradientOptions<double[]> { Tolerance = tol }), 3);
                var x = Vector<double>.Build.Dense(r.X);
                cg.Add(n, $"CG, tol {tol:0e0} ({r.Status})", t, tDirect / t, r.Iterations, r.ResidualNorm / bNorm, (x - xDirect).L2Norm() / xDirect.L2Norm());
            }
        }
        cg.Write(w);

        var lbfgs = new ReportTable("n", "seconds", "iterations", "evaluations", "evaluations alone (s)", "solver overhead", "status", "‖∇f‖∞");
        foreach (int n in context.Sizes(SmokeLbfgs, FullLbfgs))
        {
            var objective = new SolverProblems.ExtendedRosenbrock(n);
            var x0 = SolverProblems.RosenbrockStart(n);
            LbfgsResult<double[]> r = null!;
            double t = Timing.Best(() => r = Lbfgs.Minimize(objective, x0), 3);
            var gradient = new double[n];
            double tEval = Timing.Best(() => objective.Evaluate(x0, gradient), 5);
            double evaluationsAlone = tEval * r.Evaluations;
            lbfgs.Add(n, t, r.Iterations, r.Evaluations, evaluationsAlone, t / evaluationsAlone, r.Status, r.Residual);
        }
        w.WriteLine("L-BFGS (history 10, gtol 1e-5) on extended Rosenbrock from (−1.2, 1, …); solver overhead = time / (evaluations × one evaluation):");
        w.WriteLine();
        lbfgs.Write(w);
    }
}
