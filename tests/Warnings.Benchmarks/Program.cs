using BenchmarkDotNet.Running;
using Warnings.Benchmarks;

// dotnet run -c Release --project tests/Warnings.Benchmarks -- --filter '*'          BenchmarkDotNet suites
// dotnet run -c Release --project tests/Warnings.Benchmarks -- dispatch-latency [warnings] [per-second]
// dotnet run -c Release --project tests/Warnings.Benchmarks -- feed-fanout [subscribers] [warnings]
// dotnet run -c Release --project tests/Warnings.Benchmarks -- projection-lag [per-second] [seconds]
//   (all three need infra/dev.sh up: real RabbitMQ and Redis)
if (args.Length > 0 && args[0] == "dispatch-latency")
{
    await DispatchLatency.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 200, args.Length > 2 ? double.Parse(args[2]) : 10);
    return;
}

if (args.Length > 0 && args[0] == "feed-fanout")
{
    await FeedFanout.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1000, args.Length > 2 ? int.Parse(args[2]) : 20);
    return;
}

if (args.Length > 0 && args[0] == "projection-lag")
{
    await ProjectionLag.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1000, args.Length > 2 ? int.Parse(args[2]) : 10);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DispatchLatency).Assembly).Run(args);
