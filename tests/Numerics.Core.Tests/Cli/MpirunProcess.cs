using System.Diagnostics;

namespace Numerics.Core.Tests.Cli;

/// <summary>Launches the built <c>numerics</c> tool under MPICH's <c>mpirun.mpich</c>, as a user would.</summary>
internal static class MpirunProcess
{
    /// <summary>MPICH's launcher on Debian; the MPI tests run only where it is installed.</summary>
    public const string Launcher = "mpirun.mpich";

    /// <summary>The full path of <see cref="Launcher"/>, or null when it is not on PATH.</summary>
    public static string? LauncherPath { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, Launcher))
        .FirstOrDefault(File.Exists);

    /// <summary>Runs <c>mpirun.mpich -np <paramref name="ranks"/> dotnet numerics.dll args…</c>.</summary>
    public static (int Code, string Out, string Err, TimeSpan Elapsed) Run(int ranks, params string[] args) =>
        RunPrograms([(ranks, args)]);

    /// <summary>Runs <c>mpirun.mpich -np <paramref name="ranks"/> dotnet numerics.dll args…</c> with extra environment variables (Hydra passes them to every rank).</summary>
    public static (int Code, string Out, string Err, TimeSpan Elapsed) Run(IReadOnlyDictionary<string, string> environment, int ranks, params string[] args) =>
        RunPrograms([(ranks, args)], environment);

    /// <summary>
    /// Runs an MPMD launch (<c>-np n₁ numerics args₁ : -np n₂ numerics args₂ …</c>): ranks in the order
    /// given, each group with its own arguments, so that one rank can be made to fail alone.
    /// </summary>
    public static (int Code, string Out, string Err, TimeSpan Elapsed) RunPrograms(IReadOnlyList<(int Ranks, string[] Args)> groups,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(LauncherPath ?? throw new InvalidOperationException($"{Launcher} is not installed"))
        {
            // Hydra forwards its stdin to rank 0; a closed pipe gives the ranks an empty stdin rather than the test host's.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        for (int g = 0; g < groups.Count; g++)
        {
            if (g > 0) start.ArgumentList.Add(":");
            start.ArgumentList.Add("-np");
            start.ArgumentList.Add(groups[g].Ranks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(host);
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "numerics.dll"));
            foreach (var a in groups[g].Args) start.ArgumentList.Add(a);
        }
        // This test process may itself have been started by a launcher; the children must see only mpirun's variables.
        foreach (var name in new[] { "PMI_RANK", "PMI_SIZE", "PMI_FD", "PMI_PORT", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE" }) start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Launcher} did not finish in two minutes: a rank hangs");
        }
        return (process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}

/// <summary>
/// A test that launches ranks with <c>mpirun.mpich</c>: skipped, saying why, where MPICH is not
/// installed (CI installs it), or where it needs an option of <c>numerics lstsq</c> that the tool
/// does not list in its usage yet.
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    private readonly string? _missingLauncher = MpirunProcess.LauncherPath is null
        ? $"{MpirunProcess.Launcher} not found: install MPICH (apt-get install mpich) to run the MPI tests"
        : null;

    /// <summary>An option the test passes to <c>numerics lstsq</c>; the test is skipped while the command does not accept it.</summary>
    public string? LstsqOption { get; set; }

    /// <inheritdoc />
    public override string? Skip
    {
        get => base.Skip ?? _missingLauncher ?? (LstsqOption is { } option && !new Numerics.Cli.LstsqCommand().Usage.Contains(option, StringComparison.Ordinal)
            ? $"numerics lstsq does not accept {option} yet (the partitioned least squares it runs in one process)"
            : null);
        set => base.Skip = value;
    }
}
