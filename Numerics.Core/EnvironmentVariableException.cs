namespace Numerics;

/// <summary>
/// An environment variable that steers the engine (<c>NUMERICS_BLAS</c>, <c>NUMERICS_GPU</c>) holds
/// a value the engine cannot honour: an unknown word, or a backend that was asked for by name but
/// cannot be used on this machine.
/// </summary>
/// <remarks>
/// A configuration error rather than a fault of the call that noticed it, so front ends (the
/// <c>numerics</c> tool exits 2) report it as bad input. <see cref="Variable"/> names the variable to fix.
/// </remarks>
public sealed class EnvironmentVariableException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="variable"/>.</summary>
    public EnvironmentVariableException(string variable, string message) : base(message) => Variable = variable;

    /// <summary>The variable whose value was rejected, e.g. <c>NUMERICS_BLAS</c>.</summary>
    public string Variable { get; }
}
