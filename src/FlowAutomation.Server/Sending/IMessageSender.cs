using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Sending;

public enum SendOutcomeKind
{
    /// <summary>The provider accepted the message; <see cref="SendOutcome.ProviderMessageId"/> identifies it in reports.</summary>
    Sent,

    /// <summary>Worth retrying: HTTP 408/429/5xx, a timeout or a network failure.</summary>
    Transient,

    /// <summary>Never retried: any other 4xx, or a message the provider rejected.</summary>
    Permanent,

    /// <summary>The message's expiry passed before it could be handed over.</summary>
    Expired,
}

/// <summary>How one send attempt ended.</summary>
public sealed record SendOutcome(SendOutcomeKind Kind, string? ProviderMessageId = null, string? Reason = null, TimeSpan? RetryAfter = null)
{
    public static SendOutcome Sent(string? providerMessageId) => new(SendOutcomeKind.Sent, providerMessageId);

    public static SendOutcome Transient(string reason, TimeSpan? retryAfter = null) => new(SendOutcomeKind.Transient, Reason: reason, RetryAfter: retryAfter);

    public static SendOutcome Permanent(string reason) => new(SendOutcomeKind.Permanent, Reason: reason);

    public static SendOutcome Expired(string reason) => new(SendOutcomeKind.Expired, Reason: reason);
}

/// <summary>Hands messages to a messaging provider and classifies the answers. Never throws for provider errors.</summary>
public interface IMessageSender
{
    /// <summary>How many messages <see cref="SendManyAsync"/> hands over in one request at most (1: one by one).</summary>
    int MessagesPerRequest => 1;

    Task<SendOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends messages of different conversations (at most <see cref="MessagesPerRequest"/>) and returns each one's
    /// outcome, in their order. By default one <see cref="SendAsync"/> after another.
    /// </summary>
    async Task<IReadOnlyList<SendOutcome>> SendManyAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        var outcomes = new SendOutcome[messages.Count];
        for (var i = 0; i < messages.Count; i++)
            outcomes[i] = await SendAsync(messages[i], cancellationToken);
        return outcomes;
    }
}
