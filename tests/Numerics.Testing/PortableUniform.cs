namespace Numerics.Testing;

/// <summary>
/// Uniform doubles in [0, 1) from Knuth's 64-bit MMIX linear congruential generator, chosen because
/// a few lines of Python reproduce it bit for bit (Numerics.Bench/compare_lbfgs.py builds the same
/// test problems from it). Statistically weak, which test data does not mind.
/// </summary>
public sealed class PortableUniform(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next value: the top 53 bits of the state, times 2⁻⁵³.</summary>
    public double Next()
    {
        unchecked { _state = _state * 6364136223846793005UL + 1442695040888963407UL; }
        return (_state >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>The next value mapped to [−1, 1).</summary>
    public double NextSigned() => 2 * Next() - 1;
}
