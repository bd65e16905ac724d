using BenchmarkDotNet.Running;

namespace FlowAutomation.Benchmarks;

/// <summary>Run with: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*'</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
