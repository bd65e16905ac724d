using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FlowAutomation.Guard;
using FlowAutomation.Language;
using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.Templates;

namespace FlowAutomation.Runtime;

/// <summary>
/// Runs a flow's actions, in order, against an <see cref="EventRun"/>: state changes, guard decisions for replies,
/// follow-ups to schedule. Returns the tags it added (so that the caller can raise <c>contact.tagged</c> where the
/// rule engine did not) and whether a <c>stop</c> ended the list.
/// </summary>
internal sealed class ActionExecutor(EngineOptions options, ActionPaths paths)
{
    private readonly TemplateRenderer _templates = new(TemplateLimits.For(options.Policy));
    private readonly ConditionalWeakTable<FlowAction, string> _descriptions = [];

    [MethodImpl(Hot.Options)]
    public (IReadOnlyList<string> TagsAdded, bool Stopped) Run(EventRun run, string flowId, FlowEvent trigger, ImmutableArray<FlowAction> actions)
    {
        List<string>? added = null; // made on the first new tag
        foreach (var action in actions)
        {
            var node = run.Traced || options.TraceRefusals ? paths.Of(action) : null; // read only for trace records
            switch (action)
            {
                case TagAction tag:
                    foreach (var t in tag.Tags)
                    {
                        if (!run.State.Tags.Contains(t))
                        {
                            run.Draft.ApplyTag(t);
                            (added ??= []).Add(t);
                        }
                    }

                    Done(run, flowId, node, "tag", action);
                    break;
                case UntagAction untag:
                    foreach (var t in untag.Tags)
                    {
                        if (run.State.Tags.Contains(t))
                        {
                            run.Draft.ApplyUntag(t);
                        }
                    }

                    Done(run, flowId, node, "untag", action);
                    break;
                case AssignAction assign:
                    Assign(run, flowId, node, assign);
                    break;
                case UnassignAction:
                    if (run.State.Assignee is not null || run.State.Team is not null)
                    {
                        run.Draft.ApplyAssignment(null, null);
                    }

                    Done(run, flowId, node, "unassign", "unassigned");
                    break;
                case ReplyAction reply:
                    Reply(run, flowId, node, trigger, reply);
                    break;
                case SetAction set:
                    Set(run, flowId, node, trigger, set);
                    break;
                case FollowUpAction followUp:
                    var job = new FollowUpJob(run.State.ConversationId, run.State.ContactId ?? run.State.ConversationId, flowId, followUp.Id, run.Now, run.Now + followUp.After, trigger);
                    run.Schedule.Add(job);
                    if (run.Traced)
                    {
                        run.Trace.Add(new ActionTrace(run.Now, flowId, "follow_up", ActionStatus.Scheduled, null, null,
                            $"follow-up {followUp.Id} scheduled for {job.DueAt:yyyy-MM-dd HH:mm} UTC ({ConditionFormatter.Describe(followUp)})") { Node = node });
                    }
                    break;
                case ReportSpamAction:
                    if (!run.State.Reported)
                    {
                        run.Draft.ApplyReported();
                    }

                    Done(run, flowId, node, "report_spam", "reported the contact as spam");
                    break;
                case CloseAction:
                    if (!run.State.Closed)
                    {
                        run.Draft.ApplyClosed();
                    }

                    Done(run, flowId, node, "close", "closed the conversation");
                    break;
                case StopAction:
                    Done(run, flowId, node, "stop", "stop: no further actions or lower-priority flows for this event");
                    return (added ?? (IReadOnlyList<string>)[], true);
            }
        }

        return (added ?? (IReadOnlyList<string>)[], false);
    }

    private static void Assign(EventRun run, string flowId, string? node, AssignAction assign)
    {
        var agent = assign.Agent ?? run.Teams.Pick(assign.Team!, assign.Strategy);
        if (run.State.Assignee != agent || run.State.Team != assign.Team)
        {
            run.Draft.ApplyAssignment(agent, assign.Team);
        }

        if (!run.Traced)
        {
            return; // nobody reads the sentence
        }

        var detail = (agent, assign.Team) switch
        {
            (not null, null) => $"assigned to {agent}",
            (not null, not null) => $"assigned to {agent} of team {assign.Team} ({(assign.Strategy == AssignStrategy.LeastOpen ? "least open" : "round robin")})",
            _ => $"assigned to team {assign.Team}",
        };
        Done(run, flowId, node, "assign", detail);
    }

    /// <summary>Sets each field to its rendered value; a value that cannot be rendered leaves its field as it was.</summary>
    private void Set(EventRun run, string flowId, string? node, FlowEvent trigger, SetAction set)
    {
        var facts = run.Facts(trigger, options);
        var done = new List<string>();
        foreach (var field in set.Fields)
        {
            var value = _templates.Render(field.Value, facts, run.Now);
            if (value.Failed)
            {
                if (run.Traced)
                {
                    run.Trace.Add(new ActionTrace(run.Now, flowId, "set", ActionStatus.Skipped, value.ReasonCode, null, $"{field.Field} not set: {value.Failure}") { Node = node });
                }
                continue;
            }

            run.Draft.ApplyField(field.Field, value.Text);
            done.Add($"{field.Field} = \"{value.Text}\"");
        }

        if (done.Count > 0)
        {
            Done(run, flowId, node, "set", string.Join(", ", done));
        }
    }

    private void Reply(EventRun run, string flowId, string? node, FlowEvent trigger, ReplyAction reply)
    {
        SendableContent content;
        string shown;
        switch (reply.Kind)
        {
            case ReplyKind.Text:
                var text = _templates.Render(reply.Text!, run.Facts(trigger, options), run.Now);
                if (text.Failed)
                {
                    // Not a guard decision: nothing was rendered to decide on. Recorded as a refusal with its reason.
                    run.Blocked++;
                    if (run.Traced || options.TraceRefusals)
                    {
                        run.Trace.Add(new ActionTrace(run.Now, flowId, "reply", ActionStatus.Blocked, text.ReasonCode, null, $"not sent: {text.Failure}")
                        {
                            Node = node,
                            Content = ContentName(reply.Kind),
                            Window = TraceWindow.From(run.State.Allowance(options.Policy, run.Now)),
                        });
                    }
                    return;
                }

                shown = text.Text;
                content = new TextContent(shown);
                break;
            case ReplyKind.Image:
                shown = reply.ImageUrl!;
                content = new ImageContent(shown);
                break;
            default:
                shown = reply.PostId!;
                content = new SharePostContent(shown);
                break;
        }

        var message = MessageDraft.For(content, reply.Validity) with
        {
            RecipientCountry = run.State.ContactCountry,
            Image = content is ImageContent image ? run.Images.Find(image.Url) : null,
        };
        var decision = MessageGuard.Decide(run.State, message, options.Policy, run.Now);
        if (!decision.IsAllowed)
        {
            run.Blocked++;
            if (run.Traced || options.TraceRefusals)
            {
                run.Trace.Add(new ActionTrace(run.Now, flowId, "reply", ActionStatus.Blocked, decision.ReasonCode, shown, $"blocked {Quote(reply.Kind, shown)}: {decision.Describe()}")
                {
                    Node = node,
                    Content = ContentName(reply.Kind),
                    Window = TraceWindow.From(run.State.Allowance(options.Policy, run.Now)),
                });
            }
            return;
        }

        run.Draft.ApplySend(decision.DecidedAt, decision.AfterWindow); // the slot the guard allowed (MessageGuard.Reserve, in place)
        run.Outgoing.Add(new OutgoingMessage(run.NextMessageId(), run.State.ConversationId, run.State.ContactId ?? run.State.ConversationId, flowId, content, run.Now, decision.ExpiresAt));
        run.Sent++;
        if (run.Traced)
        {
            // For an allowed message the guard counts the message itself: "message 3 of 10".
            var used = decision.MessagesAllowed is { } allowed ? $" (message {decision.MessagesUsed} of {allowed} in the window)" : string.Empty;
            run.Trace.Add(new ActionTrace(run.Now, flowId, "reply", ActionStatus.Sent, null, shown, $"sent {Quote(reply.Kind, shown)}{used}")
            {
                Node = node,
                Content = ContentName(reply.Kind),
                Window = TraceWindow.From(run.State.Allowance(options.Policy, run.Now)),
            });
        }
    }

    private static string Quote(ReplyKind kind, string shown) => kind switch
    {
        ReplyKind.Text => "\"" + shown.ReplaceLineEndings("⏎") + "\"",
        ReplyKind.Image => "image " + shown,
        _ => "shared post " + shown,
    };

    /// <summary>An action's description for the trace, made once per action: a compiled action never changes.</summary>
    private string Described(FlowAction action) => _descriptions.GetValue(action, static a => ConditionFormatter.Describe(a));

    private static string ContentName(ReplyKind kind) => kind switch
    {
        ReplyKind.Text => "text",
        ReplyKind.Image => "image",
        _ => "share_post",
    };

    /// <summary>As <see cref="Done(EventRun, string, string?, string, string)"/>, the detail the action's description, made only for a traced run.</summary>
    private void Done(EventRun run, string flowId, string? node, string action, FlowAction described)
    {
        if (run.Traced)
        {
            Done(run, flowId, node, action, Described(described));
        }
    }

    private static void Done(EventRun run, string flowId, string? node, string action, string detail)
    {
        if (run.Traced)
        {
            run.Trace.Add(new ActionTrace(run.Now, flowId, action, ActionStatus.Done, null, null, detail) { Node = node });
        }
    }
}
