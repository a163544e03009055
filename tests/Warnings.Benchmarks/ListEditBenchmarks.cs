using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Warnings.Contracts.V1;
using Warnings.PublicationList.Domain;
using Warnings.PublicationList.Storage;

namespace Warnings.Benchmarks;

/// <summary>
/// The pieces of a list edit and of its enforcement elsewhere, on the shipped Shanghai list (23
/// grants, 74 templates, ~146 KB as stored): the editor clones, validates, diffs and writes the new
/// version; every other instance reads it back and compiles it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class ListEditBenchmarks
{
    private Contracts.V1.PublicationList _before = null!;
    private Contracts.V1.PublicationList _after = null!;
    private string _stored = null!;

    [GlobalSetup]
    public void Setup()
    {
        _before = JsonParser.Default.Parse<Contracts.V1.PublicationList>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "publication-list", "shanghai.json")));
        _before.Version = 1;
        _after = _before.Clone();
        _after.Grants[0].Status = _after.Grants[0].Status == GrantStatus.Active ? GrantStatus.Suspended : GrantStatus.Active;
        _stored = ListRepository.Serialize(_after);
    }

    [Benchmark]
    public Contracts.V1.PublicationList Clone() => _before.Clone();

    [Benchmark]
    public int Validate() => ListValidator.Validate(_after, carriedFrom: _before).Count;

    [Benchmark]
    public int Diff() => ListDiff.Describe(_before, _after).Count;

    [Benchmark]
    public string Serialize() => ListRepository.Serialize(_after);

    [Benchmark]
    public Contracts.V1.PublicationList Parse() => ListRepository.Parse(_stored);

    [Benchmark]
    public CompiledList Compile() => new(_after);
}
