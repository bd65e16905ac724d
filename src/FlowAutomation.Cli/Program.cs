using FlowAutomation.Compilation;
internal static class Program
{
    private static int Main(string[] args)
    {
        var r = new FlowCompiler().CompilePaths(args);
        foreach (var d in r.Diagnostics) Console.WriteLine(d);
        Console.WriteLine(r.Flows.Length);
        return 0;
    }
}
