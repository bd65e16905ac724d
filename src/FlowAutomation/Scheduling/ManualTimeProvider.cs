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

    // The time now, as one immutable value: replaced under the lock when the clock moves, read without it (a
    // DateTimeOffset cannot be read in one piece; the dry run reads the clock several times per event).
    private Instant _now;

    public ManualTimeProvider(DateTimeOffset start) => _now = new(start.ToUniversalTime());

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() => Volatile.Read(ref _now).At;

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
                if (at < _now.At)
                {
                    throw new ArgumentOutOfRangeException(nameof(at), $"the clock cannot go back from {_now.At:O} to {at:O}");
                }

                next = FirstDue(at);
                if (next is null)
                {
                    MoveTo(at);
                    return;
                }

                if (next.DueAt > _now.At)
                {
                    MoveTo(next.DueAt);
                }
                next.Reschedule();
            }

            next.Fire();
        }
    }

    /// <summary>Sets the time now (under the lock); a new value only when it differs from the one held, to the offset.</summary>
    private void MoveTo(DateTimeOffset at)
    {
        if (!_now.At.EqualsExact(at))
        {
            Volatile.Write(ref _now, new Instant(at));
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
                    DueAt = owner._now.At + dueTime;
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
