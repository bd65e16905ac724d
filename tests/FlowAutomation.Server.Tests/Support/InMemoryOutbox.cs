
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>The outbox for tests: a dictionary under one lock, with the same rules as SQLite (the outbox contract checks both).</summary>
internal sealed class InMemoryOutbox : IOutbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private long _sequence;

    private sealed record Slot(long Sequence, OutboxEntry Entry);

    public ValueTask<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return ValueTask.FromResult(_slots.TryAdd(message.Id, new Slot(++_sequence, OutboxEntry.Pending(message))));
    }

    public ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // Only the oldest unfinished entry of each conversation is claimable, as in SqliteOutbox.
            var heads = _slots.Values
                .Where(s => s.Entry.Status is OutboxStatus.Pending or OutboxStatus.InFlight && s.Entry.Message.ConversationId is not null)
                .GroupBy(s => s.Entry.Message.ConversationId!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Min(s => s.Sequence), StringComparer.Ordinal);
            var due = _slots.Values
                .Where(s => IsDue(s.Entry, now) && (s.Entry.Message.ConversationId is not { } c || heads[c] == s.Sequence))
                .OrderBy(s => s.Entry.NextAttemptAt).ThenBy(s => s.Sequence)
                .Take(maxCount)
                .Select(s => s with { Entry = s.Entry with { Status = OutboxStatus.InFlight, Attempts = s.Entry.Attempts + 1, ClaimedUntil = now + lease } })
                .ToList();
            foreach (var slot in due)
                _slots[slot.Entry.Id] = slot;
            return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(due.Select(s => s.Entry).ToList());
        }
    }

    public ValueTask<bool> MarkSentAsync(string id, string? providerMessageId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Transition(id, e => e with { Status = OutboxStatus.Sent, ProviderMessageId = providerMessageId, ClaimedUntil = null, CompletedAt = at });

    public ValueTask<bool> ScheduleRetryAsync(string id, DateTimeOffset nextAttemptAt, string reason, CancellationToken cancellationToken = default) =>
        Transition(id, e => e with { Status = OutboxStatus.Pending, NextAttemptAt = nextAttemptAt, ClaimedUntil = null, LastError = reason });

    public ValueTask<bool> MarkFailedAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Transition(id, e => e with { Status = OutboxStatus.Failed, LastError = reason, ClaimedUntil = null, CompletedAt = at });

    public ValueTask<bool> MarkExpiredAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Transition(id, e => e with { Status = OutboxStatus.Expired, LastError = reason, ClaimedUntil = null, CompletedAt = at });

    public ValueTask<OutboxEntry?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return ValueTask.FromResult(_slots.GetValueOrDefault(id)?.Entry);
    }

    public ValueTask<OutboxEntry?> FindByProviderMessageIdAsync(string providerMessageId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return ValueTask.FromResult(_slots.Values.OrderBy(s => s.Sequence).FirstOrDefault(s => s.Entry.ProviderMessageId == providerMessageId)?.Entry);
    }

    private static bool IsDue(OutboxEntry entry, DateTimeOffset now) =>
        (entry.Status == OutboxStatus.Pending && entry.NextAttemptAt <= now) || (entry.Status == OutboxStatus.InFlight && entry.ClaimedUntil <= now);

    private ValueTask<bool> Transition(string id, Func<OutboxEntry, OutboxEntry> change)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(id, out var slot) || slot.Entry.Status != OutboxStatus.InFlight)
                return ValueTask.FromResult(false);
            _slots[id] = slot with { Entry = change(slot.Entry) };
            return ValueTask.FromResult(true);
        }
    }
}
