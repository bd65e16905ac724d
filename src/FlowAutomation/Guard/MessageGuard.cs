using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.State;

namespace FlowAutomation.Guard;

/// <summary>
/// The one decision point for outbound messages. <see cref="Decide"/> is a pure function of the conversation state,
/// the message, the policy profile and the time; it allocates nothing when it allows a message.
/// </summary>
/// <remarks>
/// Checks run in this order, and the first that fails is the reason:
/// <list type="number">
/// <item>the message itself: a type TikTok never takes, empty or too long text, a bad image URL, format or size (as
/// declared, or as found at the URL: <see cref="MessageDraft.Image"/>), a bad post id, a validity over the limit. These fail whatever the conversation's state, so they come first: a flow
/// with such a message needs fixing, and a window refusal would hide that until the next time the window is open;</item>
/// <item>the contact: reported as spam, or in a country where images are not sent;</item>
/// <item>the conversation: the customer has not written (<c>not_user_initiated</c>), the window has closed
/// (<c>window_expired</c>), the window's quota is used (<c>quota_exhausted</c>). These change with time and with the
/// customer's next message.</item>
/// </list>
/// A refusal changes nothing; an allowed message takes a slot only when the state with it is saved: the state
/// <see cref="Reserve"/> gives (<see cref="ConversationGuard"/>), or the engine's draft of the event with the same send
/// recorded in place; either is committed with a compare-and-swap on the state's version.
/// </remarks>
public static class MessageGuard
{
    public static GuardDecision Decide(ConversationState state, MessageDraft message, PolicyProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(profile);

        var content = CheckContent(message, profile);
        if (content.Reason != GuardReason.None)
        {
            return content with { DecidedAt = now, Kind = message.Kind };
        }

        if (state.Reported && !profile.MessageReportedContacts)
        {
            return Refuse(GuardReason.ContactReported, message, now);
        }

        if (message.Kind == OutboundKind.Image && profile.IsMediaBlocked(message.RecipientCountry))
        {
            return Refuse(GuardReason.MediaRegionBlocked, message, now) with { Detail = message.RecipientCountry!.ToUpperInvariant() };
        }

        var allowance = state.Allowance(profile, now);
        if (!allowance.HasWindow)
        {
            return Refuse(GuardReason.NotUserInitiated, message, now);
        }

        var decision = new GuardDecision
        {
            DecidedAt = now,
            Kind = message.Kind,
            WindowOpener = allowance.Opener,
            WindowStart = allowance.WindowStart,
            WindowEnd = allowance.WindowEnd,
            AfterWindow = !allowance.IsOpen,
            MessagesUsed = allowance.Used,
            MessagesAllowed = allowance.Allowed,
        };
        if (!allowance.HasRoom)
        {
            return decision with { Reason = allowance.IsOpen ? GuardReason.QuotaExhausted : GuardReason.WindowExpired };
        }

        var validity = message.Validity ?? profile.EffectiveDefaultValidity;
        return decision with
        {
            MessagesUsed = allowance.Used + 1,
            ExpiresAt = MessageValidity.ExpiryFor(now, validity, allowance.IsOpen ? allowance.WindowEnd : null),
        };
    }

    /// <summary>The state with the slot an allowed decision took; a refusal leaves the state as it is.</summary>
    public static ConversationState Reserve(ConversationState state, GuardDecision decision) =>
        decision.IsAllowed ? state.RecordSend(decision.DecidedAt, decision.AfterWindow) : state;

    /// <summary>The content rules alone (type, text, image, post id, validity); <see cref="GuardReason.None"/> when they pass.</summary>
    internal static GuardDecision CheckContent(MessageDraft message, PolicyProfile profile)
    {
        switch (message.Content)
        {
            case TextContent { Text: var text }:
                if (ContentRules.IsBlank(text))
                {
                    return new GuardDecision { Reason = GuardReason.TextEmpty };
                }

                if (ContentRules.IsTooLong(text, profile.TextMaxLength, out var length))
                {
                    return new GuardDecision { Reason = GuardReason.TextTooLong, Measured = length, Limit = profile.TextMaxLength };
                }

                break;
            case ImageContent { Url: var url }:
                switch (ContentRules.CheckImageUrl(url, profile.ImageFormats))
                {
                    case ImageUrlCheck.Invalid:
                        return new GuardDecision { Reason = GuardReason.ImageUrlInvalid, Detail = url };
                    case ImageUrlCheck.UnsupportedFormat:
                        return new GuardDecision { Reason = GuardReason.ImageFormatUnsupported, Detail = ContentRules.Extension(url).ToString().ToLowerInvariant() };
                }

                var found = message.Image;
                if (found?.Failure is { } failure)
                {
                    return new GuardDecision { Reason = GuardReason.ImageUrlInvalid, Detail = url, Finding = failure };
                }

                if (found?.Format is { } format && !ContentRules.IsImageFormatAllowed(format, profile.ImageFormats))
                {
                    return new GuardDecision { Reason = GuardReason.ImageFormatUnsupported, Detail = format, Finding = found.FormatSource };
                }

                if ((found?.Bytes ?? message.DeclaredImageBytes) is { } bytes && bytes > profile.ImageMaxBytes)
                {
                    return new GuardDecision { Reason = GuardReason.ImageTooLarge, Measured = bytes, Limit = profile.ImageMaxBytes, Finding = found?.Bytes is null ? null : "measured at the URL" };
                }

                break;
            case SharePostContent { PostId: var postId }:
                if (!ContentRules.IsPostId(postId))
                {
                    return new GuardDecision { Reason = GuardReason.SharePostInvalid, Detail = postId };
                }

                break;
            default:
                return new GuardDecision { Reason = GuardReason.MessageTypeUnsupported };
        }

        if (message.Validity is { } validity && validity > profile.MaxValidity)
        {
            return new GuardDecision { Reason = GuardReason.ValidityTooLong, Measured = validity.Ticks, Limit = profile.MaxValidity.Ticks };
        }

        return default;
    }

    private static GuardDecision Refuse(GuardReason reason, MessageDraft message, DateTimeOffset now) =>
        new() { Reason = reason, DecidedAt = now, Kind = message.Kind };
}
