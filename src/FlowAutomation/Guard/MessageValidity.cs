using System.Globalization;

namespace FlowAutomation.Guard;

/// <summary>
/// Message validity: every allowed message carries an expiry (<see cref="GuardDecision.ExpiresAt"/>), at most the
/// profile's <c>MaxValidity</c> after the decision and never after the end of the reply window it was allowed in.
/// The outbox dispatcher asks <see cref="Check"/> right before handing a message to the provider and drops an expired
/// one with the reason <see cref="ExpiredReason"/>: a message is never sent late.
/// </summary>
public static class MessageValidity
{
    /// <summary>The recorded reason for a message dropped because its validity ran out.</summary>
    public const string ExpiredReason = "expired";

    /// <summary>Whether a message expiring at <paramref name="expiresAt"/> may be handed over at <paramref name="at"/> (strictly before).</summary>
    public static DeliveryCheck Check(DateTimeOffset expiresAt, DateTimeOffset at) => new(at < expiresAt, expiresAt, at);

    /// <summary>The expiry of a message allowed at <paramref name="now"/> with <paramref name="validity"/>, capped at the window's end.</summary>
    internal static DateTimeOffset ExpiryFor(DateTimeOffset now, TimeSpan validity, DateTimeOffset? windowEnd)
    {
        var expires = now + validity;
        return windowEnd is { } end && end < expires ? end : expires;
    }
}

/// <summary>The outcome of checking, right before delivery, whether a message is still valid.</summary>
public readonly record struct DeliveryCheck(bool Deliverable, DateTimeOffset ExpiresAt, DateTimeOffset CheckedAt)
{
    /// <summary><c>expired</c> when the message must be dropped; <c>null</c> when it may be delivered.</summary>
    public string? Reason => Deliverable ? null : MessageValidity.ExpiredReason;

    /// <summary>How late the check is: positive when the message expired that long ago.</summary>
    public TimeSpan Overdue => CheckedAt - ExpiresAt;

    public string Describe() => Deliverable
        ? string.Create(CultureInfo.InvariantCulture, $"deliverable: valid until {GuardDecision.FormatTime(ExpiresAt)}")
        : string.Create(CultureInfo.InvariantCulture, $"dropped (expired): the message's validity ended at {GuardDecision.FormatTime(ExpiresAt)}, before it could be handed to the provider; it is never sent late");

    public override string ToString() => Describe();
}
