using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Compilation;

namespace FlowAutomation.Benchmarks.Compilation;

/// <summary>
/// Loading and compiling N realistic flows (YAML parse, bind, templates, policy checks), as text in memory and
/// from files on disk. Issue "Foundation" asks for 1,000 flows well under a second.
/// </summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private (string Path, string Text)[] _texts = [];
    private string _folder = string.Empty;

    [Params(1000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // 10 files of Flows/10 documents each, as a shop would keep them.
        _texts = [.. Enumerable.Range(0, 10).Select(f => ($"flows/f{f}.yaml", string.Join("---\n", Enumerable.Range(0, Flows / 10).Select(i => FlowText((f * Flows / 10) + i)))))];
        _folder = Directory.CreateTempSubdirectory("flowbench-").FullName;
        foreach (var (path, text) in _texts)
        {
            File.WriteAllText(Path.Combine(_folder, Path.GetFileName(path)), text);
        }

        var check = new FlowCompiler().CompileTexts(_texts);
        if (check.HasErrors || check.Flows.Length != Flows)
        {
            throw new InvalidOperationException("benchmark flows do not compile: " + string.Join("\n", check.Diagnostics.Take(5)));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public int CompileTexts() => new FlowCompiler().CompileTexts(_texts).Flows.Length;

    [Benchmark]
    public int CompileFolder() => new FlowCompiler().CompilePaths([_folder]).Flows.Length;

    internal static string FlowText(int i)
    {
        var sb = new StringBuilder();
        var n = i.ToString(CultureInfo.InvariantCulture);
        sb.Append("flow: flow-").Append(n).Append('\n');
        sb.Append("name: Generated flow ").Append(n).Append('\n');
        sb.Append("priority: ").Append(i % 50).Append('\n');
        sb.Append(i % 7 == 0 ? "on: lead.submitted\n" : "on: message.received\n");
        sb.Append("when:\n");
        if (i % 7 == 0)
        {
            sb.Append("  lead.form_id: { in: [form-").Append(n).Append(", spring] }\n");
        }
        else
        {
            sb.Append("  message.text: { contains_any: [price").Append(n).Append(", cost, \"how much\"] }\n");
        }

        sb.Append("  contact.country: { in: [SG, MY, ID, TH] }\n");
        sb.Append("  any:\n    - business_hours: { days: [mon, tue, wed, thu, fri], from: \"09:00\", to: \"18:00\", tz: Asia/Singapore }\n");
        sb.Append("    - contact.tags: { has_any: [vip, gold] }\n");
        sb.Append("then:\n  - tag: [t").Append(n).Append(", interested]\n");
        sb.Append("  - assign: { team: sales, strategy: round_robin }\n");
        sb.Append("  - reply: { text: \"Hi {{ contact.name ?? 'there' }}, thanks for asking about item ").Append(n).Append("!\" }\n");
        sb.Append("  - follow_up:\n      after: 24h\n      unless: customer_replied\n      then:\n        - reply: { text: \"Any questions, {{ contact.name ?? 'there' | string.split ' ' | array.first }}?\" }\n");
        return sb.ToString();
    }
}
