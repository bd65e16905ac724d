using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace FlowAutomation.Runtime;

/// <summary>
/// What the engine did and why, one record at a time: the dry-run transcript, the server's audit trail and the
/// test harness all read the same records.
/// </summary>
public abstract record TraceRecord(DateTimeOffset At)
{
    /// <summary>The JSON Lines <c>kind</c>: event, rule, action or summary.</summary>
    public abstract string Kind { get; }
}

/// <summary>An event entered the engine (a customer event, a tag raised by a flow, a clock move, a follow-up falling due).</summary>
public sealed record EventTrace(DateTimeOffset At, string Type, string Description, int Depth) : TraceRecord(At)
{
    public override string Kind => "event";

    /// <summary>For an event from a provider: the time the provider gave it, as it gave it (the event's own time may be bounded by <see cref="ReceivedAt"/>).</summary>
    public DateTimeOffset? ProviderAt { get; init; }

    /// <summary>For an event from a provider: when the live service received it.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The reply window after the event (a customer's message, a lead, a person's message, a follow-up falling due); null before any window.</summary>
    public TraceWindow? Window { get; init; }
}

/// <summary>
/// The reply window and its count at one moment, the numbers behind a guard decision: when the window opened and
/// closes, whether it is still open, the messages used in it (or after it, once closed) and the limit.
/// </summary>
public sealed record TraceWindow(DateTimeOffset OpensAt, DateTimeOffset ClosesAt, bool Open, int Used, int? Allowed)
{
    /// <summary>The messages the guard would still allow; null when unlimited.</summary>
    public int? Left => Allowed is { } allowed ? Math.Max(0, allowed - Used) : null;

    /// <summary>The window of an allowance, or null when no window was ever opened.</summary>
    public static TraceWindow? From(State.WindowAllowance allowance) =>
        allowance.HasWindow ? new TraceWindow(allowance.WindowStart, allowance.WindowEnd, allowance.IsOpen, allowance.Used, allowance.Allowed) : null;
}

/// <summary>
/// One condition of a flow, with what it expected, what it found and the result; <see cref="Note"/> says how a text was
/// read as a number ("'about two grand' is not a number"), when the test reads one.
/// </summary>
public sealed record ConditionLine(string Path, string Operator, string Expected, string Actual, bool Result, int Depth)
{
    public string? Note { get; init; }
}

/// <summary>Whether a flow fired for an event, and why not when it did not.</summary>
public sealed record RuleTrace(DateTimeOffset At, string Flow, string EventType, bool Fired, string? WhyNot, ImmutableArray<ConditionLine> Conditions) : TraceRecord(At)
{
    private ImmutableArray<ConditionLine> _conditions = Conditions;

    /// <summary>
    /// The record of a fired flow whose conditions are its evaluation's explanation: the lines are made from
    /// <paramref name="explained"/> when first read, and the JSON transcript writes them from it without making them.
    /// </summary>
    internal RuleTrace(DateTimeOffset at, string flow, string eventType, Rules.FiredExplanation explained)
        : this(at, flow, eventType, true, null, default) => Explained = explained;

    public override string Kind => "rule";

    public ImmutableArray<ConditionLine> Conditions
    {
        get => _conditions.IsDefault && Explained is { } explained ? _conditions = ExplanationLines.From(explained) : _conditions;
        init => _conditions = value;
    }

    /// <summary>The explanation the conditions are made from, when the record was made from one (null otherwise).</summary>
    internal Rules.FiredExplanation? Explained { get; }
}

public enum ActionStatus
{
    Done,
    Sent,
    Blocked,
    Scheduled,
    Cancelled,
    Skipped,
}

/// <summary>
/// An action a flow ran: its status (done, sent, blocked, scheduled, cancelled, skipped), the guard's reason code
/// when blocked, the message text or URL for replies, and a sentence a person reads.
/// </summary>
public sealed record ActionTrace(DateTimeOffset At, string Flow, string Action, ActionStatus Status, string? Reason, string? Message, string Detail) : TraceRecord(At)
{
    public override string Kind => "action";

    /// <summary>
    /// Where the action is in its flow, as the YAML path of its list item: <c>then/2</c>, or <c>then/4/follow_up/then/0</c>
    /// for an action inside a follow-up (a follow-up's own records name the follow-up). With <see cref="Flow"/> it finds
    /// the YAML that produced the record.
    /// </summary>
    public string? Node { get; init; }

    /// <summary>For a reply: what it sends, <c>text</c>, <c>image</c> or <c>share_post</c>.</summary>
    public string? Content { get; init; }

    /// <summary>For a reply, sent or refused: the reply window and its count right after the decision.</summary>
    public TraceWindow? Window { get; init; }

    public string StatusName => (uint)Status < (uint)StatusNames.Length ? StatusNames[(int)Status] : Status.ToString().ToLowerInvariant();

    // Each status's name, made once (the JSON transcript writes one per action record).
    private static readonly string[] StatusNames = [.. Enum.GetValues<ActionStatus>().Select(s => s.ToString().ToLowerInvariant())];
}

/// <summary>The last record of a run.</summary>
public sealed record SummaryTrace(DateTimeOffset At, int Events, ImmutableArray<string> FlowsFired, int Sent, int Blocked, int FollowUpsPending) : TraceRecord(At)
{
    public override string Kind => "summary";
}

/// <summary>Receives trace records as the engine produces them.</summary>
public interface ITraceSink
{
    void Write(TraceRecord record);

    /// <summary>
    /// Writes one commit's records, in order, as <see cref="Write"/> would one by one; a sink that locks per record may
    /// take them under one lock instead.
    /// </summary>
    void WriteAll(IReadOnlyList<TraceRecord> records)
    {
        for (var i = 0; i < records.Count; i++)
        {
            Write(records[i]);
        }
    }

    /// <summary>False for a sink that drops every record: the engine then builds none (see <see cref="IEngineStore.WantsTrace"/>).</summary>
    bool KeepsRecords => true;
}

/// <summary>Keeps every record in memory, in order.</summary>
public sealed class TraceLog : ITraceSink
{
    private readonly List<TraceRecord> _records = [];
    private readonly Lock _gate = new();
    private readonly Func<TraceRecord, bool>? _keep;
    private readonly ITraceSink? _forward;

    public TraceLog()
    {
    }

    /// <summary>
    /// Keeps only the records <paramref name="keep"/> accepts, in order (a run that reads only some of them). With
    /// <paramref name="keepsRecords"/> false it tells the engine it wants no trace (<see cref="ITraceSink.KeepsRecords"/>),
    /// and keeps only what the engine still writes (refused replies, with <see cref="EngineOptions.TraceRefusals"/>).
    /// </summary>
    internal TraceLog(Func<TraceRecord, bool> keep, bool keepsRecords = true) => (_keep, KeepsRecords) = (keep, keepsRecords);

    /// <summary>
    /// Hands every record to <paramref name="forward"/> as it comes (a transcript written as the run goes) and keeps only
    /// those <paramref name="keep"/> accepts, in order.
    /// </summary>
    internal TraceLog(Func<TraceRecord, bool> keep, ITraceSink forward) => (_keep, _forward) = (keep, forward);

    public bool KeepsRecords { get; } = true;

    public IReadOnlyList<TraceRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    [MethodImpl(Hot.Options)]
    public void Write(TraceRecord record)
    {
        _forward?.Write(record);
        if (_keep is not null && !_keep(record))
        {
            return;
        }

        lock (_gate)
        {
            _records.Add(record);
        }
    }

    /// <summary>
    /// As <see cref="Write"/> for each record in order, with one lock for the whole commit instead of one per record
    /// (the forwarded JSON Lines sink's too): a dry run's event commits several records.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public void WriteAll(IReadOnlyList<TraceRecord> records)
    {
        _forward?.WriteAll(records);

        // The lock is taken only when a record is kept (a streamed dry run keeps few).
        var first = 0;
        while (first < records.Count && _keep is not null && !_keep(records[first]))
        {
            first++;
        }

        if (first == records.Count)
        {
            return;
        }

        lock (_gate)
        {
            for (var i = first; i < records.Count; i++)
            {
                if (i == first || _keep is null || _keep(records[i]))
                {
                    _records.Add(records[i]);
                }
            }
        }
    }
}
