using System.Collections.Immutable;
using FlowAutomation.Runtime;
using FlowAutomation.Server.Common;
using PolicyProfiles = FlowAutomation.Policy.PolicyProfiles;

namespace FlowAutomation.Server.Runtime;

/// <summary>Configuration section <c>Flows</c>: where the flows are, how they run, and how reloads are debounced.</summary>
internal sealed class FlowOptions
{
    public const string SectionName = "Flows";

    /// <summary>The folder of flow files (*.yaml, *.yml, searched recursively).</summary>
    [NotBlank]
    public string Directory { get; set; } = "flows";

    /// <summary>Reload when the files change.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How long the files must be quiet before a reload (editors write a file in several steps).</summary>
    [NotNegative]
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The guard's policy profile: <c>tiktok</c> (default) or <c>tiktok-tiered</c>.</summary>
    public string Policy { get; set; } = PolicyProfiles.TikTokName;

    /// <summary>Team members for <c>assign: { team: … }</c>: <c>Flows:Teams:sales:0=ana</c>, <c>Flows:Teams:sales:1=ben</c>.</summary>
    public Dictionary<string, string[]> Teams { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public EngineOptions ToEngineOptions() => new()
    {
        Policy = PolicyProfiles.Get(Policy),
        Teams = Teams.ToImmutableDictionary(t => t.Key, t => t.Value.ToImmutableArray(), StringComparer.OrdinalIgnoreCase),
    };
}
