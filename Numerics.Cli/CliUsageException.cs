namespace Numerics.Cli;

/// <summary>Bad command-line input: reported as one line on stderr with exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
