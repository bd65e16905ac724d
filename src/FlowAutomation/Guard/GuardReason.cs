using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace FlowAutomation.Guard;

/// <summary>
/// Why the guard refused a message (contracts section 4). The order of the members is the order in which the
/// guard checks: the message itself first, then the contact, then the conversation's window and quota.
/// </summary>
public enum GuardReason
{
    /// <summary>Not refused.</summary>
    None,
    MessageTypeUnsupported,
    TextEmpty,
    TextTooLong,
    ImageUrlInvalid,
    ImageFormatUnsupported,
    ImageTooLarge,
    SharePostInvalid,
    ValidityTooLong,
    ContactReported,
    MediaRegionBlocked,
    NotUserInitiated,
    WindowExpired,
    QuotaExhausted,
}

/// <summary>The stable reason codes as they appear in scenarios, the dry-run output and the server's records.</summary>
public static class GuardReasons
{
    private static readonly ImmutableArray<string> CodeList =
    [
        string.Empty,
        "message_type_unsupported",
        "text_empty",
        "text_too_long",
        "image_url_invalid",
        "image_format_unsupported",
        "image_too_large",
        "share_post_invalid",
        "validity_too_long",
        "contact_reported",
        "media_region_blocked",
        "not_user_initiated",
        "window_expired",
        "quota_exhausted",
    ];

    /// <summary>Every reason code, in the order the guard checks them.</summary>
    public static ImmutableArray<string> Codes { get; } = CodeList.RemoveAt(0);

    /// <summary>The code of <paramref name="reason"/> (<c>window_expired</c>); empty for <see cref="GuardReason.None"/>.</summary>
    public static string ToCode(this GuardReason reason) => CodeList[(int)reason];

    /// <summary>The reason a code names (exact, lower-case snake_case).</summary>
    public static bool TryParse(string? code, [NotNullWhen(true)] out GuardReason? reason)
    {
        var index = string.IsNullOrEmpty(code) ? -1 : CodeList.IndexOf(code);
        reason = index > 0 ? (GuardReason)index : null;
        return reason is not null;
    }
}
