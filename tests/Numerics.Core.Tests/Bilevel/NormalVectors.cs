using Numerics.Random;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>Seeded standard normal test vectors from the counter-based generator.</summary>
internal static class NormalVectors
{
    public static double[] Draw(int n, ulong seed, double scale = 1)
    {
        var v = new double[n];
        new CounterRng(seed).FillNormal(v);
        for (int i = 0; i < n; i++) v[i] *= scale;
        return v;
    }
}
