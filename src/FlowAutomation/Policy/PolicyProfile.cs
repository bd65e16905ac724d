using System.Collections.Immutable;

namespace FlowAutomation.Policy;

/// <summary>
/// The messaging rules the guard enforces and the compiler checks statically. Values follow
/// ../shared/design/policy.md; an operator can start from a named profile (<see cref="PolicyProfiles"/>) and
/// override any value (<see cref="PolicyOverrides"/>).
/// </summary>
public sealed record PolicyProfile
{
    /// <summary>The profile's name: <c>tiktok</c> (default) or <c>tiktok-tiered</c>.</summary>
    public string Name { get; init; } = PolicyProfiles.TikTokName;

    /// <summary>How long after the customer's latest inbound message the business may reply.</summary>
    public TimeSpan ReplyWindow { get; init; } = TimeSpan.FromHours(48);

    /// <summary>
    /// Messages the business may send per reply window; each inbound message resets the count. Under
    /// <see cref="QuotaModel.Tiered"/> this is the quota of a window that a customer reply did not open (the
    /// customer's first message, or a lead submission).
    /// </summary>
    public int MessagesPerWindow { get; init; } = 10;

    /// <summary>How the quota of a window depends on what opened it.</summary>
    public QuotaModel QuotaModel { get; init; } = QuotaModel.Flat;

    /// <summary>
    /// Under <see cref="QuotaModel.Tiered"/>: messages per window opened by a customer reply (a customer message
    /// that follows a business message); <c>null</c> means unlimited. Ignored under <see cref="QuotaModel.Flat"/>.
    /// </summary>
    public int? MessagesPerReplyWindow { get; init; }

    /// <summary>Messages the business may still send after a window has closed, until the customer writes again.</summary>
    public int MessagesAfterWindow { get; init; }

    /// <summary>Whether a lead-ad submission opens a reply window like an inbound message.</summary>
    public bool LeadOpensWindow { get; init; } = true;

    /// <summary>The longest validity an outbound message may carry.</summary>
    public TimeSpan MaxValidity { get; init; } = TimeSpan.FromHours(48);

    /// <summary>The validity of a message that names none; <c>null</c> means <see cref="MaxValidity"/>.</summary>
    public TimeSpan? DefaultValidity { get; init; }

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

    /// <summary>The tiered reading of Chatwoot's documentation and the Firef0x adapter (see docs/policy.md).</summary>
    public static PolicyProfile TikTokTiered { get; } = new()
    {
        Name = PolicyProfiles.TikTokTieredName,
        QuotaModel = QuotaModel.Tiered,
        MessagesPerReplyWindow = null,
        MessagesAfterWindow = 3,
    };

    /// <summary>The validity a message gets when it names none, never above <see cref="MaxValidity"/>.</summary>
    public TimeSpan EffectiveDefaultValidity => DefaultValidity is { } v && v < MaxValidity ? v : MaxValidity;

    /// <summary>
    /// The quota of a window; <c>null</c> means unlimited. <paramref name="openedByReply"/> says whether a customer
    /// reply (a customer message after a business message) opened it.
    /// </summary>
    public int? WindowQuota(bool openedByReply) =>
        QuotaModel == QuotaModel.Tiered && openedByReply ? MessagesPerReplyWindow : MessagesPerWindow;

    /// <summary>Whether images are refused for customers in <paramref name="country"/>.</summary>
    public bool IsMediaBlocked(string? country)
    {
        if (string.IsNullOrEmpty(country))
        {
            return false;
        }

        foreach (var blocked in MediaBlockedCountries)
        {
            if (string.Equals(blocked, country, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>How a reply window's message quota is set.</summary>
public enum QuotaModel
{
    /// <summary>Every window holds <see cref="PolicyProfile.MessagesPerWindow"/> messages (Chatfuel, Cekat, Qiscus, SleekFlow).</summary>
    Flat,

    /// <summary>
    /// A window opened by a customer reply holds <see cref="PolicyProfile.MessagesPerReplyWindow"/> (unlimited by
    /// default), other windows <see cref="PolicyProfile.MessagesPerWindow"/> (Chatwoot docs, Firef0x adapter).
    /// </summary>
    Tiered,
}
