using System.Globalization;
using FlowAutomation.Guard;
using FlowAutomation.Model;
using FlowAutomation.Policy;

namespace FlowAutomation.Tests.Guard;

/// <summary>
/// The messaging policy written as plainly as possible, to check the guard against. It keeps the whole history of the
/// conversation and answers every question by looking through it again; it shares no code with the guard beyond
/// reading the profile's numbers. Events must come in time order (the property test never moves the clock back).
/// </summary>
internal sealed class ReferencePolicy(PolicyProfile profile)
{
    private readonly List<(string What, DateTimeOffset At)> history = [];

    public void CustomerWrote(DateTimeOffset at) => history.Add(("inbound", at));

    public void LeadSubmitted(DateTimeOffset at) => history.Add(("lead", at));

    /// <summary>"allowed" or the reason code; a send that is allowed goes into the history.</summary>
    public string Decide(MessageDraft message, DateTimeOffset now, out DateTimeOffset expiresAt)
    {
        expiresAt = default;

        // 1. The message itself.
        if (message.Kind is not (OutboundKind.Text or OutboundKind.Image or OutboundKind.SharePost))
        {
            return "message_type_unsupported";
        }

        if (message.Kind == OutboundKind.Text)
        {
            if (((TextContent)message.Content).Text.Trim().Length == 0)
            {
                return "text_empty";
            }

            if (new StringInfo(((TextContent)message.Content).Text).LengthInTextElements > profile.TextMaxLength)
            {
                return "text_too_long";
            }
        }

        if (message.Kind == OutboundKind.Image)
        {
            if (!Uri.TryCreate(((ImageContent)message.Content).Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                return "image_url_invalid";
            }

            if (!profile.ImageFormats.Contains(Path.GetExtension(uri.AbsolutePath).TrimStart('.').ToLowerInvariant()))
            {
                return "image_format_unsupported";
            }

            // What was found at the URL: a failure, then the real format (jpeg is jpg), then the measured size.
            if (message.Image?.Failure is not null)
            {
                return "image_url_invalid";
            }

            var found = message.Image?.Format?.ToLowerInvariant();
            if (found is not null && !profile.ImageFormats.Contains(found) && !(found == "jpeg" && profile.ImageFormats.Contains("jpg")))
            {
                return "image_format_unsupported";
            }

            if ((message.Image?.Bytes ?? message.DeclaredImageBytes) > profile.ImageMaxBytes)
            {
                return "image_too_large";
            }
        }

        if (message.Kind == OutboundKind.SharePost && !((SharePostContent)message.Content).PostId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return "share_post_invalid";
        }

        if (message.Validity > profile.MaxValidity)
        {
            return "validity_too_long";
        }

        // 2. The conversation: find the last event that opened a window.
        var lastOpener = history.FindLastIndex(e => e.What == "inbound" || (e.What == "lead" && profile.LeadOpensWindow));
        if (lastOpener < 0)
        {
            return "not_user_initiated";
        }

        var opened = history[lastOpener];
        var windowEnd = opened.At + profile.ReplyWindow;
        var sendsSince = history.Skip(lastOpener + 1).Where(e => e.What == "send").ToList();
        var validity = message.Validity ?? profile.DefaultValidity ?? profile.MaxValidity;

        if (now < windowEnd)
        {
            var quota = IsReply(lastOpener) && profile.QuotaModel == QuotaModel.Tiered ? profile.MessagesPerReplyWindow : profile.MessagesPerWindow;
            if (quota is not null && sendsSince.Count(e => e.At < windowEnd) >= quota)
            {
                return "quota_exhausted";
            }

            expiresAt = now + validity < windowEnd ? now + validity : windowEnd;
        }
        else
        {
            if (sendsSince.Count(e => e.At >= windowEnd) >= profile.MessagesAfterWindow)
            {
                return "window_expired";
            }

            expiresAt = now + validity;
        }

        history.Add(("send", now));
        return "allowed";
    }

    /// <summary>
    /// Checks the sends in the history against the profile: no window holds more than its quota, and no more than
    /// the allowed number follow a closed window. Returns the first violation, or null.
    /// </summary>
    public static string? FindOverfullWindow(PolicyProfile profile, IReadOnlyList<(string What, DateTimeOffset At)> events)
    {
        var openers = Enumerable.Range(0, events.Count)
            .Where(i => events[i].What == "inbound" || (events[i].What == "lead" && profile.LeadOpensWindow))
            .ToList();
        foreach (var start in openers)
        {
            var next = openers.FirstOrDefault(i => i > start, events.Count);
            var end = events[start].At + profile.ReplyWindow;
            var sends = events.Skip(start + 1).Take(next - start - 1).Where(e => e.What == "send").ToList();
            var quota = IsReply(events, start) && profile.QuotaModel == QuotaModel.Tiered ? profile.MessagesPerReplyWindow : profile.MessagesPerWindow;
            var inside = sends.Count(e => e.At < end);
            if (inside > (quota ?? int.MaxValue))
            {
                return $"the window opened at event {start} holds {inside} sends; the quota is {quota}";
            }

            var after = sends.Count(e => e.At >= end);
            if (after > profile.MessagesAfterWindow)
            {
                return $"{after} sends follow the window opened at event {start}; {profile.MessagesAfterWindow} are allowed";
            }
        }

        return events.Take(openers.FirstOrDefault(events.Count)).Any(e => e.What == "send") ? "a send came before any window" : null;
    }

    public IReadOnlyList<(string What, DateTimeOffset At)> History => history;

    private bool IsReply(int index) => IsReply(history, index);

    /// <summary>A customer message is a reply when it is not the customer's first and the business wrote after that first one.</summary>
    private static bool IsReply(IReadOnlyList<(string What, DateTimeOffset At)> events, int index)
    {
        if (events[index].What != "inbound")
        {
            return false;
        }

        var first = Enumerable.Range(0, events.Count).First(i => events[i].What == "inbound");
        return first < index && Enumerable.Range(first + 1, index - first - 1).Any(i => events[i].What == "send");
    }
}
