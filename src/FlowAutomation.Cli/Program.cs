namespace FlowAutomation.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => FlowCtl.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
