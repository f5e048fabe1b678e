return Numerics.Cli.CliApp.Run(args, Console.Out, Console.Error);
