namespace FlowAutomation.Scheduling;

/// <summary>
/// A clock that moves only when told: the dry-run runner's virtual clock, and the tests' clock. Timers created
/// from it (Task.Delay, PeriodicTimer, CancellationTokenSource with a TimeProvider) fire when the clock passes
/// their due time. Thread-safe.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];

    // The time now, written under the lock and read without it (the dry run reads the clock several times per event): its
    // UTC ticks, read in one piece; a time set with an offset other than zero is held whole, as one reference, instead.
    private long _utcTicks;
    private Instant? _withOffset;

    public ManualTimeProvider(DateTimeOffset start) => _utcTicks = start.UtcTicks;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() =>
        Volatile.Read(ref _withOffset)?.At ?? new DateTimeOffset(Volatile.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        SetUtcNow(GetUtcNow() + by);
    }

    /// <summary>Moves the clock forward to <paramref name="at"/> (never back), firing timers that fall due on the way, in order.</summary>
    public void SetUtcNow(DateTimeOffset at)
    {
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                if (at < GetUtcNow())
                {
                    throw new ArgumentOutOfRangeException(nameof(at), $"the clock cannot go back from {GetUtcNow():O} to {at:O}");
                }

                next = FirstDue(at);
                if (next is null)
                {
                    MoveTo(at);
                    return;
                }

                if (next.DueAt > GetUtcNow())
                {
                    MoveTo(next.DueAt);
                }
                next.Reschedule();
            }

            next.Fire();
        }
    }

    /// <summary>Sets the time now (under the lock), as it is given (its offset too).</summary>
    private void MoveTo(DateTimeOffset at)
    {
        if (at.Offset == TimeSpan.Zero)
        {
            // The ticks first: a reader that sees no time with an offset then reads these ticks or later ones.
            Volatile.Write(ref _utcTicks, at.UtcTicks);
            if (_withOffset is not null)
            {
                Volatile.Write(ref _withOffset, null);
            }
        }
        else if (!GetUtcNow().EqualsExact(at))
        {
            Volatile.Write(ref _withOffset, new Instant(at));
        }
    }

    /// <summary>A time, as one reference that is read in one piece.</summary>
    private sealed class Instant(DateTimeOffset at)
    {
        public DateTimeOffset At { get; } = at;
    }

    /// <summary>The timer due first at or before <paramref name="at"/> (the first of equals), or null; under the lock, without allocating.</summary>
    private ManualTimer? FirstDue(DateTimeOffset at)
    {
        ManualTimer? first = null;
        foreach (var timer in _timers)
        {
            if (timer.DueAt <= at && (first is null || timer.DueAt < first.DueAt))
            {
                first = timer;
            }
        }

        return first;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = owner.GetUtcNow() + dueTime;
                    owner._timers.Add(this);
                }
            }

            if (dueTime == TimeSpan.Zero)
            {
                owner.SetUtcNow(owner.GetUtcNow());
            }

            return true;
        }

        /// <summary>Called under the owner's lock: removes a one-shot timer or moves a periodic one to its next due time.</summary>
        public void Reschedule()
        {
            owner._timers.Remove(this);
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                DueAt += _period;
                owner._timers.Add(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
