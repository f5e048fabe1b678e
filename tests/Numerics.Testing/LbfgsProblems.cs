using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Testing;

/// <summary>
/// The reference problems of the L-BFGS suite and of Numerics.Bench/compare_lbfgs.py, stated on host
/// arrays as f(x, ∇f) → value. Data come from <see cref="PortableUniform"/> so that the Python script
/// builds the same problems.
/// </summary>
public static class LbfgsProblems
{
    /// <summary>
    /// Extended Rosenbrock (Moré, Garbow &amp; Hillstrom 1981, problem 21): n even,
    /// f = Σ_{pairs (i, i+1)} 100·(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1).
    /// For n = 2 it is the classic Rosenbrock function.
    /// </summary>
    public static double Rosenbrock(double[] x, double[] g)
    {
        double f = 0;
        for (int i = 0; i + 1 < x.Length; i += 2)
        {
            double t = x[i + 1] - x[i] * x[i], u = 1 - x[i];
            f += 100 * t * t + u * u;
            g[i] = -400 * x[i] * t - 2 * u;
            g[i + 1] = 200 * t;
        }
        return f;
    }

    /// <summary>The standard start (−1.2, 1, −1.2, 1, …).</summary>
    public static double[] RosenbrockStart(int n)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i % 2 == 0 ? -1.2 : 1.0;
        return x;
    }

    /// <summary>
    /// f(x) = ½xᵀAx − bᵀx, ∇f = Ax − b, with A = H·Λ·H, H = I − 2vvᵀ/vᵀv a Householder reflector
    /// (dense A with known spectrum), Λ = diag(10^(−6·i/(n−1))): eigenvalues from 1 down to 1e-6, κ = 1e6.
    /// b = A·x_true; v, then x_true, have entries uniform in [−1, 1) from seed 7, so x* = x_true up to
    /// A's rounding and |f*| stays O(1) (a uniform b would put x* at O(κ) and f* at O(κ)).
    /// </summary>
    public sealed class IllConditionedQuadratic
    {
        /// <summary>κ(A) by construction.</summary>
        public const double Condition = 1e6;

        /// <summary>λ_min(A) by construction.</summary>
        public const double SmallestEigenvalue = 1e-6;

        /// <summary>Builds the n×n problem.</summary>
        public IllConditionedQuadratic(int n)
        {
            var rng = new PortableUniform(7);
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = rng.NextSigned();
            var xTrue = new double[n];
            for (int i = 0; i < n; i++) xTrue[i] = rng.NextSigned();
            double vv = 0;
            foreach (double e in v) vv += e * e;
            var h = Matrix<double>.Build.Dense(n, n, (i, j) => (i == j ? 1.0 : 0.0) - 2 * v[i] * v[j] / vv);
            var lambda = Matrix<double>.Build.Diagonal(n, n, i => Math.Pow(10, -6.0 * i / (n - 1)));
            A = h * lambda * h;
            A = (A + A.Transpose()) * 0.5;
            B = (A * Vector<double>.Build.Dense(xTrue)).ToArray();
        }

        /// <summary>A, symmetric positive definite.</summary>
        public Matrix<double> A { get; }

        /// <summary>b.</summary>
        public double[] B { get; }

        /// <summary>f and ∇f.</summary>
        public double Evaluate(double[] x, double[] g)
        {
            var ax = A * Vector<double>.Build.Dense(x);
            double f = 0;
            for (int i = 0; i < x.Length; i++)
            {
                g[i] = ax[i] - B[i];
                f += x[i] * (0.5 * ax[i] - B[i]);
            }
            return f;
        }
    }

    /// <summary>
    /// ℓ2-regularised logistic regression, f(w) = (1/m)·Σᵢ [log(1 + e^{zᵢ}) − yᵢzᵢ] + (λ/2)‖w‖², z = Xw,
    /// on m×d features uniform in [−1, 1) (seed 11), labels yᵢ = 1 when a uniform draw is below
    /// σ(3·xᵢᵀw_true), w_true uniform in [−1, 1). Strongly convex with modulus ≥ λ.
    /// </summary>
    public sealed class LogisticRegression
    {
        /// <summary>Builds the problem.</summary>
        public LogisticRegression(int m, int d, double lambda)
        {
            var rng = new PortableUniform(11);
            X = Matrix<double>.Build.Dense(m, d);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < d; j++) X[i, j] = rng.NextSigned();
            var wTrue = new double[d];
            for (int j = 0; j < d; j++) wTrue[j] = rng.NextSigned();
            Y = new double[m];
            for (int i = 0; i < m; i++)
            {
                double z = 0;
                for (int j = 0; j < d; j++) z += X[i, j] * wTrue[j];
                Y[i] = rng.Next() < 1 / (1 + Math.Exp(-3 * z)) ? 1 : 0;
            }
            Lambda = lambda;
        }

        /// <summary>The m×d features.</summary>
        public Matrix<double> X { get; }

        /// <summary>Labels in {0, 1}.</summary>
        public double[] Y { get; }

        /// <summary>λ.</summary>
        public double Lambda { get; }

        /// <summary>f and ∇f; log(1 + eᶻ) and σ(z) are evaluated without overflow.</summary>
        public double Evaluate(double[] w, double[] g)
        {
            int m = X.RowCount, d = X.ColumnCount;
            var z = X * Vector<double>.Build.Dense(w);
            var r = new double[m];
            double f = 0;
            for (int i = 0; i < m; i++)
            {
                double zi = z[i];
                f += (zi > 0 ? zi + Math.Log(1 + Math.Exp(-zi)) : Math.Log(1 + Math.Exp(zi))) - Y[i] * zi;
                r[i] = (Sigmoid(zi) - Y[i]) / m;
            }
            var xr = X.TransposeThisAndMultiply(Vector<double>.Build.Dense(r));
            f /= m;
            for (int j = 0; j < d; j++)
            {
                g[j] = xr[j] + Lambda * w[j];
                f += 0.5 * Lambda * w[j] * w[j];
            }
            return f;
        }

        /// <summary>∇²f(w) = (1/m)·Xᵀ·diag(σ(z)(1 − σ(z)))·X + λI.</summary>
        public Matrix<double> Hessian(double[] w)
        {
            var z = X * Vector<double>.Build.Dense(w);
            var weighted = X.Clone();
            for (int i = 0; i < X.RowCount; i++)
            {
                double p = Sigmoid(z[i]), c = p * (1 - p) / X.RowCount;
                for (int j = 0; j < X.ColumnCount; j++) weighted[i, j] *= c;
            }
            return X.TransposeThisAndMultiply(weighted) + Matrix<double>.Build.DenseIdentity(X.ColumnCount) * Lambda;
        }

        private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
    }
}
