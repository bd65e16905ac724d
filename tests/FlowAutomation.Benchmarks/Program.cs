using BenchmarkDotNet.Running;

namespace FlowAutomation.Benchmarks;

/// <summary>
/// Run with: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*'.
/// <c>-- --write-workload DIR</c> writes issue 15's flowctl workload (flows/ and workload.scenario.yaml) into DIR instead.
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["--write-workload", var dir])
        {
            Console.WriteLine(Runtime.FlowCtlWorkloadBenchmarks.Write(Directory.CreateDirectory(dir).FullName));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
