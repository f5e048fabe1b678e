using System.Diagnostics;

namespace Numerics.Bench.Report;

/// <summary>Best-of-N wall-clock timing for the quick report (BenchmarkDotNet does the careful statistics).</summary>
internal static class Timing
{
    /// <summary>Runs <paramref name="action"/> once to warm up, then returns the fastest of the timed runs, in seconds.</summary>
    public static double Best(Action action, int repetitions, double budgetSeconds = 5)
    {
        action();
        double best = double.MaxValue, total = 0;
        for (int r = 0; r < repetitions && (r == 0 || total < budgetSeconds); r++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            double s = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Min(best, s);
            total += s;
        }
        return best;
    }
}
