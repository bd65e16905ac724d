using System.Security.Cryptography;
using System.Text;
using FlowAutomation.Model;
using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// A message the guard allowed, as it is queued in the outbox. <see cref="Id"/> is the idempotency key (the
/// runtime derives it from the decision, so a retried decision enqueues nothing new) and goes to the provider as
/// the destination <c>messageId</c>. The message is never handed to the provider at or after <see cref="ExpiresAt"/>.
/// </summary>
/// <param name="Sender">The business id; null means the configured default (<c>Infobip:Sender</c>).</param>
/// <param name="Destination">The TikTok user id the inbound message came from.</param>
public sealed record OutboxMessage(
    string Id,
    string? ConversationId,
    string? Sender,
    string Destination,
    SendableContent Content,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? CallbackData = null)
{
    /// <summary>Infobip takes message ids of up to 200 characters; longer ids are replaced by a digest.</summary>
    public const int MaxIdLength = 200;

    /// <summary>
    /// The outbox row for an allowed message: sent to the contact (the TikTok user id), from the configured sender,
    /// with the engine's stable id (so a re-run enqueues nothing new) and the guard's expiry; both providers' commits
    /// write it.
    /// </summary>
    internal static OutboxMessage From(OutgoingMessage message) =>
        new(IdFor(message.Id), message.ConversationId, null, message.ContactId, message.Content, message.DecidedAt, message.ExpiresAt);

    /// <summary>The engine's message id as the provider takes it: as it is, or its digest when it is too long.</summary>
    public static string IdFor(string id) =>
        id.Length <= MaxIdLength ? id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}

public enum OutboxStatus
{
    /// <summary>Waiting for its first attempt or a retry at <see cref="OutboxEntry.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>Claimed by a dispatcher until <see cref="OutboxEntry.ClaimedUntil"/>; reclaimed after that.</summary>
    InFlight,

    Sent,
    Failed,
    Expired,
}

/// <summary>An outbox row: the message and where it is in its life cycle.</summary>
public sealed record OutboxEntry(
    OutboxMessage Message,
    OutboxStatus Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? ClaimedUntil,
    string? ProviderMessageId,
    string? LastError,
    DateTimeOffset? CompletedAt)
{
    public string Id => Message.Id;

    public static OutboxEntry Pending(OutboxMessage message) =>
        new(message, OutboxStatus.Pending, 0, message.CreatedAt, null, null, null, null);
}

/// <summary>
/// The outcome of one claimed entry's attempt, to record with <see cref="IOutbox.RecordAsync"/>: sent (with the
/// provider's id), back to pending for a retry at <see cref="At"/>, failed or expired (with the reason).
/// </summary>
/// <param name="At">When it completed; for a retry, when the next attempt is due.</param>
public sealed record OutboxOutcome(string Id, OutboxStatus Status, DateTimeOffset At, string? ProviderMessageId = null, string? Reason = null)
{
    public static OutboxOutcome Sent(string id, string? providerMessageId, DateTimeOffset at) => new(id, OutboxStatus.Sent, at, providerMessageId);

    public static OutboxOutcome Retry(string id, DateTimeOffset nextAttemptAt, string reason) => new(id, OutboxStatus.Pending, nextAttemptAt, Reason: reason);

    public static OutboxOutcome Failed(string id, string reason, DateTimeOffset at) => new(id, OutboxStatus.Failed, at, Reason: reason);

    public static OutboxOutcome Expired(string id, string reason, DateTimeOffset at) => new(id, OutboxStatus.Expired, at, Reason: reason);
}
