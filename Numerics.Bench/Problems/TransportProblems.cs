using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Random;
using Numerics.Transport;

namespace Numerics.Bench.Problems;

/// <summary>The built-in problems of the transport report section and benchmark suite.</summary>
internal static class TransportProblems
{
    /// <summary>
    /// The paper notebooks' 2-D setting at size m×n: sources x ~ N(0, I) (seed 5), targets y ~ N((4, 4), I)
    /// (seed 6), C_ij = ‖xᵢ − yⱼ‖² divided by its maximum, uniform weights.
    /// </summary>
    public static (Matrix<double> C, Vector<double> A, Vector<double> B) PointClouds(int m, int n)
    {
        var x = new double[2 * m];
        var y = new double[2 * n];
        new CounterRng(5).FillNormal(x);
        new CounterRng(6).FillNormal(y);
        var c = Matrix<double>.Build.Dense(m, n, (i, j) =>
        {
            double dx = x[2 * i] - (y[2 * j] + 4), dy = x[2 * i + 1] - (y[2 * j + 1] + 4);
            return dx * dx + dy * dy;
        });
        c /= c.Enumerate().Max();
        return (c, Vector<double>.Build.Dense(m, 1.0 / m), Vector<double>.Build.Dense(n, 1.0 / n));
    }

    /// <summary>
    /// A mixture-of-experts routing batch: <paramref name="count"/> groups of <paramref name="tokens"/>
    /// tokens, each group one problem with the experts as rows and the tokens as columns (so k bounds the
    /// experts per token), C_ij = −softmax(logits)_ij over the experts of token j (logits ~ N(0, 1),
    /// seed <paramref name="seed"/>), balanced loads a = 1/experts and b = 1/tokens: the vmoe routers' setting.
    /// </summary>
    public static TransportProblem[] RoutingBatch(int count, int experts, int tokens, ulong seed)
    {
        var logits = new double[count * experts * tokens];
        new CounterRng(seed).FillNormal(logits);
        var a = Vector<double>.Build.Dense(experts, 1.0 / experts);
        var b = Vector<double>.Build.Dense(tokens, 1.0 / tokens);
        var problems = new TransportProblem[count];
        for (int p = 0; p < count; p++)
        {
            var c = Matrix<double>.Build.Dense(experts, tokens);
            for (int j = 0; j < tokens; j++)
            {
                var z = logits.AsSpan((p * tokens + j) * experts, experts);
                double max = System.Numerics.Tensors.TensorPrimitives.Max<double>(z), sum = 0;
                for (int i = 0; i < experts; i++) sum += Math.Exp(z[i] - max);
                for (int i = 0; i < experts; i++) c[i, j] = -Math.Exp(z[i] - max) / sum;
            }
            problems[p] = TransportProblem.Create(c, a, b);
        }
        return problems;
    }

    /// <summary>
    /// Potentials after ten L-BFGS iterations of <paramref name="formulation"/> at k = 2 (α, then β for
    /// the dual), where columns have found their supports: a representative point to time an
    /// evaluation at, unlike the trivial start (at β = 0 the dual's plan is empty).
    /// </summary>
    public static double[] WarmPotentials(TransportProblem problem, TransportFormulation formulation, double gamma)
    {
        var r = SparseTransport.Solve(problem, 2, new SparseTransportOptions { Gamma = gamma, Formulation = formulation, MaxIterations = 10 });
        return [.. r.Alpha, .. r.Beta ?? Vector<double>.Build.Dense(0)];
    }

    /// <summary>
    /// The baseline of one objective evaluation: maxᵢ (αᵢ − c_ij) for every column j, in the same
    /// column chunks and thread count as the evaluation. It reads C once and does the subtraction and
    /// one comparison per entry in SIMD, the least any evaluation can do.
    /// </summary>
    public static void ColumnMaxima(double[] cost, int m, double[] alpha, double[] maxima)
    {
        int n = maxima.Length, chunk = (n + 63) / 64;
        var options = new ParallelOptions { MaxDegreeOfParallelism = LinearAlgebraBackend.Current.EffectiveThreads };
        Parallel.For(0, (n + chunk - 1) / chunk, options, c =>
        {
            for (int j = c * chunk; j < Math.Min(n, (c + 1) * chunk); j++) maxima[j] = MaxDifference(alpha, cost.AsSpan(j * m, m));
        });
    }

    /// <summary>maxᵢ (αᵢ − cᵢ) in one SIMD sweep (no scratch: a pure streaming read of c).</summary>
    private static double MaxDifference(ReadOnlySpan<double> alpha, ReadOnlySpan<double> c)
    {
        int i = 0, width = System.Numerics.Vector<double>.Count;
        var best = new System.Numerics.Vector<double>(double.NegativeInfinity);
        for (; i + width <= c.Length; i += width)
            best = System.Numerics.Vector.Max(best, new System.Numerics.Vector<double>(alpha[i..]) - new System.Numerics.Vector<double>(c[i..]));
        double max = double.NegativeInfinity;
        for (int l = 0; l < width; l++) max = Math.Max(max, best[l]);
        for (; i < c.Length; i++) max = Math.Max(max, alpha[i] - c[i]);
        return max;
    }
}
