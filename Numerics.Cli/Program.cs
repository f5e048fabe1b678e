// CliApp.Run maps every failure to an exit code; this catch is the last resort for anything that
// escapes it (a broken stderr, a failing type initialiser of the tool itself), so that the process
// never ends with a runtime stack trace.
try
{
    // Alone unless an MPI launcher started this process; MPICH is loaded only then (see Numerics.Mpi).
    return Numerics.Mpi.MpiEntryPoint.Run(
        (communicator, output, error) => Numerics.Cli.CliApp.Run(args, output, error, communicator),
        Console.Out, Console.Error, Numerics.Cli.CliApp.UsageError);
}
catch (Exception e)
{
    // A closed or failing stderr throws IOException or UnauthorizedAccessException (EBADF): nothing more can be said.
    try { Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}"); } catch (Exception) { }
    return Numerics.Cli.CliApp.Failure;
}
