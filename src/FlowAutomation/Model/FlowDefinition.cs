using System.Collections.Immutable;
using FlowAutomation.Diagnostics;

namespace FlowAutomation.Model;

/// <summary>The event kinds that start flows; each is raised by the customer (or by a flow, for tags).</summary>
public enum EventKind
{
    MessageReceived,
    LeadSubmitted,
    ReferralReceived,
    ContactTagged,
}

/// <summary>Re-entry control: a flow fires at most once per contact, conversation or reply window.</summary>
public enum OncePer
{
    None,
    Contact,
    Conversation,
    Window,
}

/// <summary>A bound, validated flow. Immutable; built by the binder, read by the compiler and runtime.</summary>
public sealed record FlowDefinition(
    string Id,
    string? Name,
    string? Description,
    bool Enabled,
    int Priority,
    EventKind Trigger,
    OncePer OncePer,
    Condition? When,
    ImmutableArray<FlowAction> Then,
    SourceSpan Span)
{
    /// <summary>The position of the flow in the loaded set (file order, then document order); breaks priority ties.</summary>
    public int Order { get; init; }

    public override string ToString() => Id;
}
