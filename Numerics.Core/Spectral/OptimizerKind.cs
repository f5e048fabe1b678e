namespace Numerics.Spectral;

/// <summary>The base optimizer, as written in a saved state (format field "kind").</summary>
internal enum OptimizerKind
{
    AdamW = 1,
    Signum = 2,
    AdEMAMix = 3,
}
