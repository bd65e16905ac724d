using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Policy;

/// <summary>
/// Applies operator overrides written as a YAML scenario or a configuration file writes them: snake_case keys with
/// string values (<c>reply_window: 48h</c>, <c>image_formats: [jpg, png]</c> or <c>"jpg,png"</c>). Errors are
/// returned as values so that the dry-run runner can report them as diagnostics and the server as startup errors.
/// </summary>
public static class PolicyOverrides
{
    /// <summary>The key that selects the base profile (<c>profile: tiktok-tiered</c>); applied before the others.</summary>
    public const string ProfileKey = "profile";

    private delegate string? Setter(string value, ref PolicyProfile profile);

    private static readonly ImmutableDictionary<string, Setter> Setters = new Dictionary<string, Setter>
    {
        ["reply_window"] = (string v, ref PolicyProfile p) => Duration(v, out var d) ?? Set(ref p, p with { ReplyWindow = d }),
        ["messages_per_window"] = (string v, ref PolicyProfile p) => Count(v, 1, out var n) ?? Set(ref p, p with { MessagesPerWindow = n }),
        ["quota_model"] = QuotaModelSetter,
        ["messages_per_reply_window"] = ReplyQuotaSetter,
        ["messages_after_window"] = (string v, ref PolicyProfile p) => Count(v, 0, out var n) ?? Set(ref p, p with { MessagesAfterWindow = n }),
        ["lead_opens_window"] = (string v, ref PolicyProfile p) => Flag(v, out var b) ?? Set(ref p, p with { LeadOpensWindow = b }),
        ["max_validity"] = (string v, ref PolicyProfile p) => Duration(v, out var d) ?? Set(ref p, p with { MaxValidity = d }),
        ["default_validity"] = (string v, ref PolicyProfile p) => Duration(v, out var d) ?? Set(ref p, p with { DefaultValidity = d }),
        ["text_max_length"] = (string v, ref PolicyProfile p) => Count(v, 1, out var n) ?? Set(ref p, p with { TextMaxLength = n }),
        ["image_formats"] = ImageFormatsSetter,
        ["image_max_bytes"] = (string v, ref PolicyProfile p) => Bytes(v, out var b) ?? Set(ref p, p with { ImageMaxBytes = b }),
        ["media_blocked_countries"] = CountriesSetter,
        ["message_reported_contacts"] = (string v, ref PolicyProfile p) => Flag(v, out var b) ?? Set(ref p, p with { MessageReportedContacts = b }),
    }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every key an override may use, <see cref="ProfileKey"/> included.</summary>
    public static ImmutableArray<string> Keys { get; } = [ProfileKey, .. Setters.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// <paramref name="profile"/> with each override applied in order (a <c>profile</c> key first replaces the base).
    /// A rejected setting leaves the value it would have changed as it was and adds an error.
    /// </summary>
    public static PolicyResult Apply(PolicyProfile profile, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        var errors = ImmutableArray.CreateBuilder<PolicySettingError>();
        var pairs = overrides.ToList();
        foreach (var (key, value) in pairs.Where(p => IsProfileKey(p.Key)))
        {
            if (PolicyProfiles.TryGet(value, out var named))
            {
                profile = named;
            }
            else
            {
                errors.Add(new PolicySettingError(key, value, PolicyProfiles.UnknownNameMessage(value)));
            }
        }

        foreach (var (key, value) in pairs.Where(p => !IsProfileKey(p.Key)))
        {
            var normalized = key.Trim().Replace('-', '_');
            if (!Setters.TryGetValue(normalized, out var setter))
            {
                errors.Add(new PolicySettingError(key, value, $"unknown policy setting{Spelling.DidYouMean(normalized, Keys)}; known settings: {string.Join(", ", Keys)}"));
                continue;
            }

            var message = string.IsNullOrWhiteSpace(value) ? "needs a value" : setter(value.Trim(), ref profile);
            if (message is not null)
            {
                errors.Add(new PolicySettingError(key, value, message));
            }
        }

        if (profile.DefaultValidity is { } validity && validity > profile.MaxValidity)
        {
            errors.Add(new PolicySettingError("default_validity", Durations.Format(validity), $"is longer than max_validity ({Durations.Format(profile.MaxValidity)})"));
            profile = profile with { DefaultValidity = null };
        }

        return new PolicyResult(profile, errors.ToImmutable());
    }

    private static bool IsProfileKey(string key) => string.Equals(key.Trim(), ProfileKey, StringComparison.OrdinalIgnoreCase);

    private static string? Set(ref PolicyProfile profile, PolicyProfile updated)
    {
        profile = updated;
        return null;
    }

    private static string? QuotaModelSetter(string value, ref PolicyProfile profile) => value.ToLowerInvariant() switch
    {
        "flat" => Set(ref profile, profile with { QuotaModel = QuotaModel.Flat }),
        "tiered" => Set(ref profile, profile with { QuotaModel = QuotaModel.Tiered }),
        _ => $"'{value}' is not a quota model; use flat or tiered",
    };

    private static string? ReplyQuotaSetter(string value, ref PolicyProfile profile)
    {
        if (value.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return Set(ref profile, profile with { MessagesPerReplyWindow = null });
        }

        return Count(value, 1, out var n) is { } error ? error + " or 'unlimited'" : Set(ref profile, profile with { MessagesPerReplyWindow = n });
    }

    private static string? ImageFormatsSetter(string value, ref PolicyProfile profile)
    {
        var formats = List(value).Select(f => f.TrimStart('.').ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToImmutableArray();
        if (formats.IsEmpty)
        {
            return "needs at least one format, for example [jpg, png]";
        }

        var bad = formats.FirstOrDefault(f => f.Length is 0 or > 10 || !f.All(char.IsAsciiLetterOrDigit));
        return bad is not null ? $"'{bad}' is not a file extension" : Set(ref profile, profile with { ImageFormats = formats });
    }

    private static string? CountriesSetter(string value, ref PolicyProfile profile)
    {
        var countries = List(value).Select(c => c.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToImmutableArray();
        var bad = countries.FirstOrDefault(c => c.Length != 2 || !c.All(char.IsAsciiLetter));
        return bad is not null ? $"'{bad}' is not a two-letter country code (ISO 3166-1 alpha-2)" : Set(ref profile, profile with { MediaBlockedCountries = countries });
    }

    /// <summary>"[a, b]", "a,b" or "a" as items; quotes around an item are removed.</summary>
    private static IEnumerable<string> List(string value)
    {
        var text = value.Trim();
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            text = text[1..^1];
        }

        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.Trim('"', '\'').Trim())
            .Where(item => item.Length > 0);
    }

    private static string? Duration(string value, out TimeSpan duration) =>
        Durations.TryParse(value, out duration) ? null : $"'{value}' is not a duration (for example 30s, 5m, 2h, 1d, 1h30m or PT2H)";

    private static string? Count(string value, int minimum, out int count) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= minimum
            ? null
            : $"'{value}' is not a whole number of at least {minimum}";

    private static string? Flag(string value, out bool flag)
    {
        switch (value.ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                flag = true;
                return null;
            case "false" or "no" or "off":
                flag = false;
                return null;
            default:
                flag = false;
                return $"'{value}' is not true or false";
        }
    }

    /// <summary>A byte count: <c>3145728</c>, <c>3MB</c>, <c>500 KB</c>, <c>2.5MB</c> (KB and MB are 1,024-based).</summary>
    private static string? Bytes(string value, out long bytes)
    {
        bytes = 0;
        var text = value.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var (digits, unit) = text switch
        {
            _ when text.EndsWith("MB", StringComparison.Ordinal) => (text[..^2], 1024L * 1024),
            _ when text.EndsWith("KB", StringComparison.Ordinal) => (text[..^2], 1024L),
            _ when text.EndsWith('B') => (text[..^1], 1L),
            _ => (text, 1L),
        };
        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0 || number * unit > long.MaxValue)
        {
            return $"'{value}' is not a size (for example 3MB, 500KB or 3145728)";
        }

        bytes = (long)(number * unit);
        return bytes > 0 ? null : $"'{value}' is less than one byte";
    }
}
