using System.Runtime.CompilerServices;

namespace FlowAutomation;

/// <summary>
/// How the per-event methods are compiled: each is marked <c>[MethodImpl(Hot.Options)]</c>. In an IL build (the
/// portable tool, <c>dotnet run</c>, the tests, the service, the benchmarks) that is
/// <see cref="MethodImplOptions.AggressiveOptimization"/>: the JIT compiles them optimized at their first call, since a
/// short flowctl run ends before tiered compilation would promote them. The linux-x64 tool's build is precompiled
/// (ReadyToRun), and crossgen2 leaves a method with that mark out of the image, so the JIT compiled those methods at
/// every start; that build defines <c>FLOWAUTOMATION_R2R</c> (src/FlowAutomation.Cli's packing group), where the marks
/// are none and the methods run precompiled until tier 1 replaces them (docs/performance.md, "Thirteenth pass").
/// </summary>
internal static class Hot
{
#if FLOWAUTOMATION_R2R
    /// <summary>No mark: the ReadyToRun build keeps these methods in its image.</summary>
    internal const MethodImplOptions Options = 0;
#else
    /// <summary>Optimized at the first call, without tiered compilation's first, unoptimized code.</summary>
    internal const MethodImplOptions Options = MethodImplOptions.AggressiveOptimization;
#endif
}
