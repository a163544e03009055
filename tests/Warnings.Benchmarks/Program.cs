using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Warnings.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
