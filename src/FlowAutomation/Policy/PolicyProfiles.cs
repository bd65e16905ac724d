using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using FlowAutomation.Language;

namespace FlowAutomation.Policy;

/// <summary>The named policy profiles an operator can select, and loading one with overrides.</summary>
public static class PolicyProfiles
{
    /// <summary>The default profile's name.</summary>
    public const string TikTokName = "tiktok";

    /// <summary>The tiered profile's name.</summary>
    public const string TikTokTieredName = "tiktok-tiered";

    /// <summary>The known profile names, default first.</summary>
    public static ImmutableArray<string> Names { get; } = [TikTokName, TikTokTieredName];

    /// <summary>The profile named <paramref name="name"/> (case-insensitive).</summary>
    public static bool TryGet(string? name, [NotNullWhen(true)] out PolicyProfile? profile)
    {
        profile = name?.Trim().ToLowerInvariant() switch
        {
            TikTokName => PolicyProfile.TikTok,
            TikTokTieredName => PolicyProfile.TikTokTiered,
            _ => null,
        };
        return profile is not null;
    }

    /// <summary>The profile named <paramref name="name"/>; an unknown name throws with the list of known names.</summary>
    /// <exception cref="ArgumentException">The name is not a known profile.</exception>
    public static PolicyProfile Get(string name) =>
        TryGet(name, out var profile) ? profile : throw new ArgumentException(UnknownNameMessage(name), nameof(name));

    /// <summary>
    /// The profile <paramref name="name"/> (the default when <c>null</c>) with <paramref name="overrides"/> applied.
    /// Problems come back as errors, never as exceptions; an unknown name falls back to the default profile.
    /// </summary>
    public static PolicyResult Load(string? name, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var errors = ImmutableArray<PolicySettingError>.Empty;
        var profile = PolicyProfile.TikTok;
        if (name is not null && !TryGet(name, out profile))
        {
            errors = [new PolicySettingError(PolicyOverrides.ProfileKey, name, UnknownNameMessage(name))];
            profile = PolicyProfile.TikTok;
        }

        var result = PolicyOverrides.Apply(profile, overrides ?? []);
        return errors.IsEmpty ? result : result with { Errors = errors.AddRange(result.Errors) };
    }

    internal static string UnknownNameMessage(string? name) =>
        $"unknown policy profile '{name}'{Spelling.DidYouMean(name ?? string.Empty, Names)}; known profiles: {string.Join(", ", Names)}";
}

/// <summary>A policy profile built from configuration, and every problem found on the way.</summary>
/// <param name="Profile">The profile with every valid setting applied (usable even when there are errors).</param>
/// <param name="Errors">One entry per rejected setting; empty when all were applied.</param>
public sealed record PolicyResult(PolicyProfile Profile, ImmutableArray<PolicySettingError> Errors)
{
    public bool Succeeded => Errors.IsEmpty;
}

/// <summary>A rejected policy setting: the key as written, its value, and what is wrong, for a diagnostic.</summary>
public sealed record PolicySettingError(string Key, string? Value, string Message)
{
    public override string ToString() => $"policy setting '{Key}': {Message}";
}
