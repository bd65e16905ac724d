using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FlowAutomation.Benchmarks.Rules;

/// <summary>Adds <see cref="EventsPerSecondColumn"/>.</summary>
internal sealed class EventsPerSecondConfig : ManualConfig
{
    public EventsPerSecondConfig() => AddColumn(new EventsPerSecondColumn());
}

/// <summary>Events per second: one second over the mean time of one operation (one event); "-" for benchmarks of the category Compile.</summary>
internal sealed class EventsPerSecondColumn : IColumn
{
    public string Id => nameof(EventsPerSecondColumn);

    public string ColumnName => "Events/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Events evaluated per second on one thread (1 s / Mean)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        benchmarkCase.Descriptor.Categories.Contains("Compile") ? "-"
        : summary[benchmarkCase]?.ResultStatistics?.Mean is > 0 and var mean ? (1e9 / mean).ToString("N0", CultureInfo.InvariantCulture) : "-";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
