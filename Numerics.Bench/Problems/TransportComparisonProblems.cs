using Numerics.IO;
using Numerics.Random;

namespace Numerics.Bench.Problems;

/// <summary>
/// The transport report's problem: n points x and n points y uniform in the unit square, cost
/// ‖xᵢ − yⱼ‖² divided by its maximum, masses uniform in [½, 3/2] then normalised (the distribution
/// <c>compare_ot.py</c> draws from). When the folder named by <see cref="FolderVariable"/> holds
/// <c>ot_{n}_a.npy</c>, <c>ot_{n}_b.npy</c> and <c>ot_{n}_C.npy</c> (written by that script), those are
/// used instead, so both sides solve the same problem.
/// </summary>
internal static class TransportComparisonProblems
{
    /// <summary>The environment variable naming the folder of the script's .npy problems.</summary>
    public const string FolderVariable = "NUMERICS_OT_PROBLEMS";

    /// <summary>A problem of size n×n: the script's when available (Source "npy"), else the built-in one (Source "built-in").</summary>
    public static (double[] A, double[] B, double[] Cost, string Source) PointClouds(int n)
    {
        string? folder = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrEmpty(folder))
        {
            string Path(string name) => System.IO.Path.Combine(folder, $"ot_{n}_{name}.npy");
            if (File.Exists(Path("a")) && File.Exists(Path("b")) && File.Exists(Path("C")))
                return (Npy.ReadVector(Path("a")).ToArray(), Npy.ReadVector(Path("b")).ToArray(), Npy.ReadMatrix(Path("C")).ToColumnMajorArray(), "npy");
        }
        var rng = new CounterRng((ulong)n);
        var points = new double[4 * n];
        rng.FillUniform(points);
        var a = Masses(rng.WithStream(1), n);
        var b = Masses(rng.WithStream(2), n);
        var cost = new double[n * n];
        double max = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                double dx = points[2 * i] - points[2 * n + 2 * j], dy = points[2 * i + 1] - points[2 * n + 2 * j + 1];
                cost[i + j * n] = dx * dx + dy * dy;
                max = Math.Max(max, cost[i + j * n]);
            }
        for (int k = 0; k < cost.Length; k++) cost[k] /= max;
        return (a, b, cost, "built-in");
    }

    private static double[] Masses(CounterRng rng, int n)
    {
        var w = new double[n];
        rng.FillUniform(w);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += w[i] += 0.5;
        for (int i = 0; i < n; i++) w[i] /= sum;
        return w;
    }
}
