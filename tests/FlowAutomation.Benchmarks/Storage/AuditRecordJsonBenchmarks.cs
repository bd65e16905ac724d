using BenchmarkDotNet.Attributes;
using FlowAutomation.Runtime;
using FlowAutomation.Scenarios;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Benchmarks.Storage;

/// <summary>
/// The service's audit rows' JSON: every trace record the samples' scenarios produce (made once in the setup), written
/// as the audit log stores them — by the serializer (<c>Reflected</c>, what the service did before the seventeenth
/// pass) and member by member (<c>Written</c>, the same bytes). One operation = every record once.
/// </summary>
[MemoryDiagnoser]
public class AuditRecordJsonBenchmarks
{
    private TraceRecord[] _records = [];

    [GlobalSetup]
    public async Task Setup()
    {
        var samples = Path.Combine(Path.GetDirectoryName(Paths.Flows)!, "samples");
        var records = new List<TraceRecord>();
        foreach (var path in Directory.GetFiles(samples, "*.scenario.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            records.AddRange((await ScenarioRunner.RunFileAsync(path)).Run?.Trace ?? []);
        _records = [.. records];
        foreach (var record in _records)
            _ = AuditRecordJson.SerializeReflected(record); // the fired rules' condition lines made before either runs
    }

    [Benchmark(Baseline = true)]
    public int Reflected()
    {
        var length = 0;
        foreach (var record in _records)
            length += AuditRecordJson.SerializeReflected(record).Length;
        return length;
    }

    [Benchmark]
    public int Written()
    {
        var length = 0;
        foreach (var record in _records)
            length += AuditRecordJson.Serialize(record).Length;
        return length;
    }
}
