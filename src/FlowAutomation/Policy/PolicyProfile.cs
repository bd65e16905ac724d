using System.Collections.Immutable;

namespace FlowAutomation.Policy;

/// <summary>
/// The messaging rules the guard enforces and the compiler checks statically. Values follow
/// ../shared/design/policy.md; an operator can start from a named profile and override any value.
/// </summary>
public sealed record PolicyProfile
{
    /// <summary>The profile's name: <c>tiktok</c> (default) or <c>tiktok-tiered</c>.</summary>
    public string Name { get; init; } = "tiktok";

    /// <summary>How long after the customer's latest inbound message the business may reply.</summary>
    public TimeSpan ReplyWindow { get; init; } = TimeSpan.FromHours(48);

    /// <summary>Messages the business may send per reply window; each inbound message resets the count.</summary>
    public int MessagesPerWindow { get; init; } = 10;

    /// <summary>Whether a lead-ad submission opens a reply window like an inbound message.</summary>
    public bool LeadOpensWindow { get; init; } = true;

    /// <summary>The longest validity an outbound message may carry.</summary>
    public TimeSpan MaxValidity { get; init; } = TimeSpan.FromHours(48);

    /// <summary>The most user-perceived characters a text message may hold.</summary>
    public int TextMaxLength { get; init; } = 6000;

    /// <summary>Image file extensions accepted (lower case, without the dot).</summary>
    public ImmutableArray<string> ImageFormats { get; init; } = ["jpg", "jpeg", "png"];

    /// <summary>The largest declared image size accepted, in bytes.</summary>
    public long ImageMaxBytes { get; init; } = 3L * 1024 * 1024;

    /// <summary>Customer countries (ISO 3166 alpha-2) to which images are not sent.</summary>
    public ImmutableArray<string> MediaBlockedCountries { get; init; } = [];

    /// <summary>Whether a contact reported as spam may still be messaged.</summary>
    public bool MessageReportedContacts { get; init; }

    /// <summary>The default profile, from Infobip's and SleekFlow's documentation.</summary>
    public static PolicyProfile TikTok { get; } = new();
}
