using FlowAutomation.Model;
using FlowAutomation.State;

namespace FlowAutomation.Guard;

/// <summary>
/// The guard's answer for one outbound message: allowed (with the slot it took and the message's expiry) or refused
/// with exactly one <see cref="GuardReason"/>, plus the numbers behind it. A value type, so that deciding allocates
/// nothing; the text a marketer reads (<see cref="Describe"/>) is built only when asked for.
/// </summary>
/// <remarks>
/// Which numbers are set depends on the outcome: the window fields (<see cref="WindowStart"/>, <see cref="WindowEnd"/>,
/// <see cref="MessagesUsed"/>, <see cref="MessagesAllowed"/>) for allowed messages and window or quota refusals;
/// <see cref="Measured"/> and <see cref="Limit"/> for text_too_long (characters), image_too_large (bytes) and
/// validity_too_long (ticks), with typed views in <see cref="TextLength"/>, <see cref="ImageBytes"/> and
/// <see cref="RequestedValidity"/>; <see cref="Detail"/> names the offending value (URL, format, post id, country).
/// </remarks>
public readonly partial record struct GuardDecision
{
    /// <summary>Why the message was refused; <see cref="GuardReason.None"/> when allowed.</summary>
    public GuardReason Reason { get; init; }

    /// <summary>The reason code (<c>window_expired</c>); empty when allowed.</summary>
    public string ReasonCode => Reason.ToCode();

    public bool IsAllowed => Reason == GuardReason.None;

    /// <summary>The time the decision was made for.</summary>
    public DateTimeOffset DecidedAt { get; init; }

    /// <summary>The kind of message decided.</summary>
    public OutboundKind Kind { get; init; }

    /// <summary>What opened the reply window the decision looked at; <see cref="WindowOpener.None"/> when not looked at or none.</summary>
    public WindowOpener WindowOpener { get; init; }

    public DateTimeOffset WindowStart { get; init; }

    /// <summary>When the window closes (exclusive).</summary>
    public DateTimeOffset WindowEnd { get; init; }

    /// <summary>Whether the decision concerns the time after the window closed (tiered profile's extra messages).</summary>
    public bool AfterWindow { get; init; }

    /// <summary>Messages used in the window (or after it, see <see cref="AfterWindow"/>), this one included when allowed.</summary>
    public int MessagesUsed { get; init; }

    /// <summary>The limit <see cref="MessagesUsed"/> is counted against; <c>null</c> means unlimited.</summary>
    public int? MessagesAllowed { get; init; }

    /// <summary>For an allowed message: the moment after which it must not be handed to the provider any more.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The measured value behind a content refusal (characters, bytes or validity ticks).</summary>
    public long Measured { get; init; }

    /// <summary>The limit <see cref="Measured"/> exceeded.</summary>
    public long Limit { get; init; }

    /// <summary>The offending value: the image URL, the image format, the post id, or the customer's country.</summary>
    public string? Detail { get; init; }

    /// <summary>
    /// For an image refused on what was found at its URL: how it was found (<c>measured at the URL</c>, <c>read from
    /// the file's first bytes</c>) or why it could not be fetched (<c>HTTP 404 Not Found</c>); null otherwise.
    /// </summary>
    public string? Finding { get; init; }

    /// <summary>Whether the decision looked at a reply window (the customer wrote or a lead opened one).</summary>
    public bool HasWindow => WindowOpener != WindowOpener.None;

    /// <summary>The text's length in user-perceived characters, for text_too_long.</summary>
    public int? TextLength => Reason == GuardReason.TextTooLong ? (int)Measured : null;

    /// <summary>The profile's text limit, for text_too_long.</summary>
    public int? TextLimit => Reason == GuardReason.TextTooLong ? (int)Limit : null;

    /// <summary>The image size (measured at the URL, or declared), for image_too_large.</summary>
    public long? ImageBytes => Reason == GuardReason.ImageTooLarge ? Measured : null;

    /// <summary>The profile's image size limit, for image_too_large.</summary>
    public long? ImageMaxBytes => Reason == GuardReason.ImageTooLarge ? Limit : null;

    /// <summary>The validity asked for, for validity_too_long.</summary>
    public TimeSpan? RequestedValidity => Reason == GuardReason.ValidityTooLong ? TimeSpan.FromTicks(Measured) : null;

    /// <summary>The profile's longest validity, for validity_too_long.</summary>
    public TimeSpan? MaxValidity => Reason == GuardReason.ValidityTooLong ? TimeSpan.FromTicks(Limit) : null;

    /// <summary>The image format that is not allowed, for image_format_unsupported.</summary>
    public string? Format => Reason == GuardReason.ImageFormatUnsupported ? Detail : null;

    /// <summary>
    /// Whether an allowed message may still be handed to the provider at <paramref name="at"/>. A message dropped
    /// here is recorded with <see cref="DeliveryCheck.Reason"/> <c>expired</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The message was refused: it has no expiry and is never sent.</exception>
    public DeliveryCheck CheckDelivery(DateTimeOffset at) =>
        IsAllowed ? MessageValidity.Check(ExpiresAt, at) : throw new InvalidOperationException($"a refused message ({ReasonCode}) is never delivered");

    public override string ToString() => Describe();
}
