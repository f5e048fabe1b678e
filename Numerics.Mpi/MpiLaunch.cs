using System.Globalization;

namespace Numerics.Mpi;

/// <summary>Which process launcher, if any, started this process.</summary>
public enum MpiLauncher
{
    /// <summary>No MPI launcher: the process runs alone and MPI is never touched.</summary>
    None,

    /// <summary>MPICH's Hydra (<c>mpirun.mpich</c>, <c>mpiexec.hydra</c>) or another PMI launcher of the MPICH ABI.</summary>
    Mpich,

    /// <summary>Open MPI's <c>mpirun</c>, whose library is not ABI-compatible with the one this engine binds.</summary>
    OpenMpi,
}

/// <summary>
/// What the environment says about an MPI launch, read without loading any MPI library: a machine
/// without MPI runs the tool exactly as before.
/// </summary>
/// <param name="Launcher">The launcher found.</param>
/// <param name="Rank">This process's rank as the launcher announced it (0 when alone).</param>
/// <param name="Size">The number of ranks the launcher started (1 when alone).</param>
public sealed record MpiLaunch(MpiLauncher Launcher, int Rank, int Size)
{
    /// <summary>The variables through which Hydra's PMI gives each process its rank and the job's size.</summary>
    public const string PmiRankVariable = "PMI_RANK", PmiSizeVariable = "PMI_SIZE";

    /// <summary>The variable every Open MPI launch sets; its presence alone identifies Open MPI.</summary>
    public const string OpenMpiRankVariable = "OMPI_COMM_WORLD_RANK";

    /// <summary>The launch of this process, from its environment.</summary>
    /// <exception cref="EnvironmentVariableException">PMI_RANK or PMI_SIZE is set but is not a valid rank or size.</exception>
    public static MpiLaunch Detect() => Detect(Environment.GetEnvironmentVariable);

    /// <summary>The launch described by <paramref name="variable"/> (a lookup of environment variables).</summary>
    /// <remarks>
    /// Open MPI is checked first: its <c>mpirun</c> can also export PMI variables when built with
    /// PMIx compatibility, and a process it starts must be refused rather than joined to a library
    /// whose handles mean something else.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="variable"/> is null.</exception>
    /// <exception cref="EnvironmentVariableException">PMI_RANK or PMI_SIZE is set but is not a valid rank or size.</exception>
    public static MpiLaunch Detect(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!string.IsNullOrEmpty(variable(OpenMpiRankVariable)))
            return new MpiLaunch(MpiLauncher.OpenMpi, ParseOrZero(variable(OpenMpiRankVariable)), Math.Max(1, ParseOrZero(variable("OMPI_COMM_WORLD_SIZE"))));
        string? rank = variable(PmiRankVariable), size = variable(PmiSizeVariable);
        if (string.IsNullOrEmpty(rank) && string.IsNullOrEmpty(size)) return new MpiLaunch(MpiLauncher.None, 0, 1);
        int n = Parse(size, PmiSizeVariable, 1, int.MaxValue);
        int r = Parse(rank, PmiRankVariable, 0, n - 1);
        return new MpiLaunch(MpiLauncher.Mpich, r, n);
    }

    /// <summary>The one line that refuses an Open MPI launch, saying why and what to do instead.</summary>
    public static string OpenMpiRefusal =>
        $"launched by Open MPI ({OpenMpiRankVariable} is set), which this tool cannot join: it binds the MPICH ABI (libmpich.so.12), "
        + "and Open MPI's handles are pointers where MPICH's are integers; launch with MPICH's mpirun.mpich (apt-get install mpich)";

    private static int Parse(string? text, string name, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new EnvironmentVariableException(name, $"{name}='{text}' is not an integer in [{min}, {max}]; an MPICH launch sets both {PmiRankVariable} and {PmiSizeVariable}");
        return value;
    }

    private static int ParseOrZero(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : 0;
}
