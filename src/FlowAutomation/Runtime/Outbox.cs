using FlowAutomation.Model;

namespace FlowAutomation.Runtime;

/// <summary>
/// A message the guard allowed, on its way to the customer. <see cref="Id"/> is stable for the activation that
/// produced it, so that a retried event enqueues it once. It must not be handed to the provider after <see cref="ExpiresAt"/>.
/// </summary>
public sealed record OutgoingMessage(string Id, string ConversationId, string ContactId, string FlowId, SendableContent Content, DateTimeOffset DecidedAt, DateTimeOffset ExpiresAt);

/// <summary>Where allowed messages go: the live service's outbox table and dispatcher, or the dry run's record.</summary>
public interface IMessageOutbox
{
    ValueTask EnqueueAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>Keeps every message in memory, in order: the dry run's outbox, where handing over means sent.</summary>
public sealed class RecordingOutbox : IMessageOutbox
{
    private readonly List<OutgoingMessage> _messages = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IReadOnlyList<OutgoingMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public ValueTask EnqueueAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ids.Add(message.Id))
            {
                _messages.Add(message);
            }
        }

        return ValueTask.CompletedTask;
    }
}
