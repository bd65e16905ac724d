using System.Globalization;
using FlowAutomation.Model;
using FlowAutomation.State;

namespace FlowAutomation.Guard;

public readonly partial record struct GuardDecision
{
    /// <summary>
    /// The decision in words a marketer can read, with the numbers behind it, for example
    /// "refused (window_expired): the reply window closed at 2026-03-04 09:05 UTC (48h after the customer's last message)".
    /// </summary>
    public string Describe() => IsAllowed ? DescribeAllowed() : $"refused ({ReasonCode}): {DescribeRefusal()}";

    /// <summary>A time as the descriptions show it: UTC, minutes, and seconds only when they are not zero.</summary>
    internal static string FormatTime(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var format = utc.Second == 0 && utc.Millisecond == 0 ? "yyyy-MM-dd HH:mm 'UTC'" : "yyyy-MM-dd HH:mm:ss 'UTC'";
        return utc.ToString(format, CultureInfo.InvariantCulture);
    }

    private string DescribeAllowed()
    {
        var expiry = $"valid until {FormatTime(ExpiresAt)}";
        if (AfterWindow)
        {
            return Invariant($"allowed: message {MessagesUsed} of {MessagesAllowed} the policy allows after the reply window closed at {FormatTime(WindowEnd)}; {expiry}");
        }

        var count = MessagesAllowed is { } allowed ? Invariant($"message {MessagesUsed} of {allowed}") : Invariant($"message {MessagesUsed} (no limit)");
        return $"allowed: {count} in the reply window open until {FormatTime(WindowEnd)}; {expiry}";
    }

    private string DescribeRefusal() => Reason switch
    {
        GuardReason.MessageTypeUnsupported => $"TikTok does not accept {KindName(Kind)} messages from a business; send text, an image or a share_post",
        GuardReason.TextEmpty => "the text is empty; TikTok does not send empty messages",
        GuardReason.TextTooLong => Invariant($"the text is {Measured:N0} characters; the limit is {Limit:N0}"),
        GuardReason.ImageUrlInvalid when Finding is not null => $"the image at '{Detail}' could not be fetched: {Finding}",
        GuardReason.ImageUrlInvalid => $"'{Detail}' is not an http or https URL with a host",
        GuardReason.ImageFormatUnsupported => $"image format '{(string.IsNullOrEmpty(Detail) ? "(none)" : Detail)}' is not allowed by the policy{Found()}",
        GuardReason.ImageTooLarge => $"the image is {FormatBytes(Measured)}; the limit is {FormatBytes(Limit)}{Found()}",
        GuardReason.SharePostInvalid => $"'{Detail}' is not a TikTok post id (letters, digits, '-' and '_')",
        GuardReason.ValidityTooLong => $"validity {Durations.Format(TimeSpan.FromTicks(Measured))} is longer than the {Durations.Format(TimeSpan.FromTicks(Limit))} the policy allows",
        GuardReason.ContactReported => "the contact was reported as spam, and the policy does not message reported contacts",
        GuardReason.MediaRegionBlocked => $"images are not sent to customers in {Detail}",
        GuardReason.NotUserInitiated => "the customer has not written in this conversation yet; on TikTok the customer must write first",
        GuardReason.WindowExpired => DescribeExpired(),
        GuardReason.QuotaExhausted => Invariant($"{MessagesUsed} of {MessagesAllowed} messages were already sent in the reply window that opened at {FormatTime(WindowStart)}; it closes at {FormatTime(WindowEnd)}, and the count restarts when the customer writes again"),
        _ => ReasonCode,
    };

    private string Found() => Finding is null ? string.Empty : $" ({Finding})";

    private string DescribeExpired()
    {
        var anchor = WindowOpener == WindowOpener.Lead ? "the lead form submission" : "the customer's last message";
        var text = $"the reply window closed at {FormatTime(WindowEnd)} ({Durations.Format(WindowEnd - WindowStart)} after {anchor})";
        return MessagesAllowed is > 0
            ? Invariant($"{text}, and the {MessagesAllowed} messages allowed after it were sent; the customer must write again")
            : text;
    }

    private static string KindName(OutboundKind kind) => kind switch
    {
        OutboundKind.SharePost => "share_post",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 => Invariant($"{bytes / (1024.0 * 1024):0.##} MB ({bytes:N0} bytes)"),
        >= 1024 => Invariant($"{bytes / 1024.0:0.##} KB ({bytes:N0} bytes)"),
        _ => Invariant($"{bytes:N0} bytes"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
