using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace FlowAutomation.Tests;

/// <summary>
/// The per-event methods' marks (<see cref="Hot.Options"/>): the IL build, the one the tests, <c>dotnet run</c>, the
/// service and the portable tool run, keeps <see cref="MethodImplOptions.AggressiveOptimization"/> on every marked
/// method; only the linux-x64 tool's ReadyToRun build (FLOWAUTOMATION_R2R, set when that package is packed) drops them.
/// </summary>
public sealed partial class HotTests
{
    [Fact]
    public void Options_IlBuild_IsAggressiveOptimization() =>
        Assert.Equal(MethodImplOptions.AggressiveOptimization, Hot.Options);

    [Fact]
    public void MarkedMethods_IlBuild_AsManyCarryAggressiveOptimizationAsTheSourceMarks()
    {
        var sourceMarks = Directory.EnumerateFiles(RepoPaths.Of("src", "FlowAutomation"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Sum(path => MarkPattern().Count(File.ReadAllText(path)));
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var marked = typeof(Hot).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            .Count(method => (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0);

        Assert.True(sourceMarks > 0, "no [MethodImpl(Hot.Options)] found under src/FlowAutomation");
        Assert.Equal(sourceMarks, marked);
    }

    [GeneratedRegex(@"^[ \t]*\[MethodImpl\(Hot\.Options\)\]", RegexOptions.Multiline)]
    private static partial Regex MarkPattern();
}
