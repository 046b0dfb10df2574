return EdgeRuntime.Cli.EdgertApp.Run(args, Console.Out, Console.Error);
