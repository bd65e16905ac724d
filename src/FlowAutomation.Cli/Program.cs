namespace FlowAutomation.Cli;

internal static class Program
{
    private static int Main(string[] args) => FlowCtl.Run(args, Console.Out, Console.Error);
}
