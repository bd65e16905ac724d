using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Templates;

namespace FlowAutomation.Model;

/// <summary>An action in a flow's <c>then</c> list, run in order.</summary>
public abstract record FlowAction
{
    public SourceSpan Span { get; init; }
}

public sealed record TagAction(ImmutableArray<string> Tags) : FlowAction;

public sealed record UntagAction(ImmutableArray<string> Tags) : FlowAction;

public enum AssignStrategy
{
    Direct,
    RoundRobin,
    LeastOpen,
}

/// <summary>Assign to one agent, or to a team with a strategy that picks a member.</summary>
public sealed record AssignAction(string? Agent, string? Team, AssignStrategy Strategy) : FlowAction;

public sealed record UnassignAction : FlowAction;

public enum ReplyKind
{
    Text,
    Image,
    SharePost,
}

/// <summary>A message to the customer. Exactly one of text, image URL or post id is set.</summary>
public sealed record ReplyAction(ReplyKind Kind, MessageTemplate? Text, string? ImageUrl, string? PostId, TimeSpan? Validity) : FlowAction
{
    /// <summary>Where the text, image URL or post id stands in the file.</summary>
    public SourceSpan ContentSpan { get; init; }

    /// <summary>Where the validity stands in the file.</summary>
    public SourceSpan ValiditySpan { get; init; }
}

public sealed record FieldAssignment(string Field, MessageTemplate Value, SourceSpan Span);

/// <summary>Sets contact fields to templated values.</summary>
public sealed record SetAction(ImmutableArray<FieldAssignment> Fields) : FlowAction;

/// <summary>
/// Runs <see cref="Then"/> after a delay, if <see cref="When"/> holds then, and (with <see cref="UnlessCustomerReplied"/>)
/// only if the customer has not written since. <see cref="Id"/> is stable across compilations, so scheduling is idempotent.
/// </summary>
public sealed record FollowUpAction(string Id, TimeSpan After, bool UnlessCustomerReplied, Condition? When, ImmutableArray<FlowAction> Then) : FlowAction
{
    /// <summary>Where <c>after</c> stands in the file.</summary>
    public SourceSpan AfterSpan { get; init; }
}

public sealed record ReportSpamAction : FlowAction;

public sealed record CloseAction : FlowAction;

/// <summary>Ends this flow's actions and halts lower-priority flows for the event.</summary>
public sealed record StopAction : FlowAction;
