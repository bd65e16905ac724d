namespace FlowAutomation.Scheduling;

/// <summary>
/// The dry run's scheduler: jobs wait in memory until <see cref="RunDueAsync"/> moves the virtual clock forward,
/// firing each due job at its own due time, in due order (ties in scheduling order).
/// </summary>
public sealed class VirtualFollowUpScheduler(ManualTimeProvider clock) : IFollowUpScheduler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (FollowUpJob Job, long Sequence)> _jobs = new(StringComparer.Ordinal);
    private long _sequence;

    // How many jobs wait, written under the lock and read without it: most events of a scenario find none due.
    private int _waiting;

    public ManualTimeProvider Clock { get; } = clock;

    public ValueTask ScheduleAsync(FollowUpJob job, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _jobs.TryAdd(job.Id, (job, _sequence++));
            Volatile.Write(ref _waiting, _jobs.Count);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var removed = _jobs.Remove(jobId);
            Volatile.Write(ref _waiting, _jobs.Count);
            return ValueTask.FromResult(removed);
        }
    }

    public ValueTask<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // By due time, then scheduling order (the sequence is unique, so the order is total); no allocation when none.
            List<(FollowUpJob Job, long Sequence)>? found = null;
            foreach (var entry in _jobs.Values)
            {
                if (entry.Job.ConversationId == conversationId)
                {
                    (found ??= []).Add(entry);
                }
            }

            if (found is null)
            {
                return ValueTask.FromResult<IReadOnlyList<FollowUpJob>>([]);
            }

            found.Sort(static (a, b) => a.Job.DueAt != b.Job.DueAt ? a.Job.DueAt.CompareTo(b.Job.DueAt) : a.Sequence.CompareTo(b.Sequence));
            var pending = new FollowUpJob[found.Count];
            for (var i = 0; i < pending.Length; i++)
            {
                pending[i] = found[i].Job;
            }

            return ValueTask.FromResult<IReadOnlyList<FollowUpJob>>(pending);
        }
    }

    /// <summary>
    /// Fires every job due at or before <paramref name="until"/>, moving the clock to each job's due time first;
    /// jobs scheduled while firing are fired too when due in time. Leaves the clock at <paramref name="until"/>.
    /// </summary>
    public async ValueTask<int> RunDueAsync(DateTimeOffset until, IFollowUpHandler handler, CancellationToken cancellationToken)
    {
        var fired = 0;
        while (Next(until) is { } job)
        {
            if (job.DueAt > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(job.DueAt);
            }

            await handler.FireAsync(job, cancellationToken).ConfigureAwait(false);
            fired++;
        }

        if (until > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(until);
        }

        return fired;
    }

    /// <summary>The first job due at or before <paramref name="until"/> (by due time, then scheduling order), taken out; null when none is due.</summary>
    private FollowUpJob? Next(DateTimeOffset until)
    {
        if (Volatile.Read(ref _waiting) == 0)
        {
            return null; // as the pass below finds with no job: without the lock
        }

        lock (_gate)
        {
            // Called before every event of a scenario, most often with no job waiting: one pass, nothing allocated.
            (FollowUpJob Job, long Sequence) next = default;
            foreach (var entry in _jobs.Values)
            {
                if (entry.Job.DueAt <= until && (next.Job is null || entry.Job.DueAt < next.Job.DueAt
                    || (entry.Job.DueAt == next.Job.DueAt && entry.Sequence < next.Sequence)))
                {
                    next = entry;
                }
            }

            if (next.Job is null)
            {
                return null;
            }

            _jobs.Remove(next.Job.Id);
            Volatile.Write(ref _waiting, _jobs.Count);
            return next.Job;
        }
    }
}
