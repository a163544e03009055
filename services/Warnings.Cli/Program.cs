return await Warnings.Cli.WarningsCli.RunAsync(args, Console.Out, Console.Error);
