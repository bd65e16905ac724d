using FlowAutomation.Policy;

namespace FlowAutomation.State;

/// <summary>
/// The state's changes, applied in place to a draft: a copy of a state that only its maker holds (<see cref="Draft"/>).
/// Every public change (<see cref="RecordInbound"/>, <see cref="WithTag"/>…) is a draft of the state with one change
/// applied; the engine drafts once per event, applies all of the event's changes to that draft, and hands it to the
/// store when the run commits, so an event makes one new state however many changes it has. Nobody may read a draft
/// while it changes but its maker, and nobody may change it once it was handed on (a store keeps it as it is).
/// </summary>
public sealed partial record ConversationState
{
    /// <summary>A copy of this state for its caller alone, to change in place with the <c>Apply…</c> methods.</summary>
    internal ConversationState Draft() => this with { };

    /// <summary>As <see cref="RecordInbound"/>, in place on a draft.</summary>
    internal ConversationState ApplyInbound(DateTimeOffset at, PolicyProfile profile)
    {
        var isReply = _inboundCount > 0 && _businessReplied;
        var opens = OpensWindow(at);
        _inboundCount++;
        SetTime(ref _firstInboundAt, Times.FirstInbound, FirstInboundAt is { } first && first <= at ? first : at);
        SetTime(ref _lastInboundAt, Times.LastInbound, LastInboundAt is { } last && last >= at ? last : at);
        _customerReplied |= isReply;
        _closed = false;
        return opens ? ApplyOpenWindow(at, isReply ? WindowOpener.Reply : WindowOpener.Message, profile) : this;
    }

    /// <summary>As <see cref="RecordLeadSubmission"/>, in place on a draft.</summary>
    internal ConversationState ApplyLeadSubmission(DateTimeOffset at, PolicyProfile profile)
    {
        SetTime(ref _lastLeadAt, Times.LastLead, LastLeadAt is { } last && last >= at ? last : at);
        return profile.LeadOpensWindow && OpensWindow(at) ? ApplyOpenWindow(at, WindowOpener.Lead, profile) : this;
    }

    /// <summary>As <see cref="RecordSend"/>, in place on a draft.</summary>
    internal ConversationState ApplySend(DateTimeOffset at, bool afterWindow)
    {
        if (afterWindow)
        {
            _afterWindowSends++;
        }
        else
        {
            _windowSends++;
        }

        _outboundCount++;
        SetTime(ref _lastOutboundAt, Times.LastOutbound, LastOutboundAt is { } last && last >= at ? last : at);
        _businessReplied |= _inboundCount > 0;
        return this;
    }

    /// <summary>As <see cref="RecordAgentSend"/>, in place on a draft: a send, whose slot counts only in the window it was sent in.</summary>
    internal ConversationState ApplyAgentSend(DateTimeOffset at, PolicyProfile profile)
    {
        var (windowSends, afterWindowSends) = (_windowSends, _afterWindowSends);
        var totalOnly = _windowOpener == WindowOpener.None || IsBeforeCurrentWindow(at);
        ApplySend(at, afterWindow: !Allowance(profile, at).IsOpen);
        if (totalOnly)
        {
            (_windowSends, _afterWindowSends) = (windowSends, afterWindowSends);
        }

        return this;
    }

    internal ConversationState ApplyTag(string tag)
    {
        _tags = _tags.Add(tag);
        return this;
    }

    internal ConversationState ApplyUntag(string tag)
    {
        _tags = _tags.Remove(tag);
        return this;
    }

    internal ConversationState ApplyField(string name, string value)
    {
        _fields = _fields.SetItem(name, value);
        return this;
    }

    /// <summary>The conversation's agent and team become these (a <c>null</c> clears one).</summary>
    internal ConversationState ApplyAssignment(string? agent, string? team)
    {
        (_assignee, _team) = (agent, team);
        return this;
    }

    internal ConversationState ApplyReported()
    {
        _reported = true;
        return this;
    }

    internal ConversationState ApplyClosed()
    {
        _closed = true;
        return this;
    }

    /// <summary>As <see cref="WithContact"/>, in place on a draft.</summary>
    internal ConversationState ApplyContact(string? contactId, string? name, string? country, string? language)
    {
        _contactId = contactId ?? _contactId;
        _contactName = name ?? _contactName;
        _contactCountry = country ?? _contactCountry;
        _contactLanguage = language ?? _contactLanguage;
        return this;
    }

    /// <summary>A new stretch begins at <paramref name="at"/> (the caller checked <see cref="BeginsStretch"/>).</summary>
    internal ConversationState ApplyStretch(DateTimeOffset at)
    {
        SetTime(ref _stretchStart, Times.StretchStart, at);
        return this;
    }

    internal ConversationState ApplyFired(string flowId, DateTimeOffset at)
    {
        _flowsFired = _flowsFired.SetItem(flowId, at);
        return this;
    }

    /// <summary>Each of <paramref name="flowIds"/> fired at <paramref name="at"/>: one new map of firings for all of them.</summary>
    internal ConversationState ApplyFired(ReadOnlySpan<string> flowIds, DateTimeOffset at)
    {
        _flowsFired = _flowsFired.SetItems(flowIds, at);
        return this;
    }

    /// <summary>The version the store holds: set on a draft before it is compared, raised by a store that keeps the draft itself.</summary>
    internal ConversationState ApplyVersion(long version)
    {
        _version = version;
        return this;
    }

    private ConversationState ApplyOpenWindow(DateTimeOffset at, WindowOpener opener, PolicyProfile profile)
    {
        _windowOpener = opener;
        SetTime(ref _windowStart, Times.WindowStart, at);
        SetTime(ref _windowEnd, Times.WindowEnd, at + profile.ReplyWindow);
        _windowSends = 0;
        _afterWindowSends = 0;
        return this;
    }
}
