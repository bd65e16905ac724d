using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Compilation;

/// <summary>
/// Checks what the flows' templates read against what their events carry (see <see cref="PathPresence"/>): a path
/// the trigger never sets (FA1406, replies and <c>set</c> values), and, in replies, a value that may be missing and is
/// printed without a fallback (FA1407), unless the flow's <c>when</c>, or the enclosing follow-up's, requires it.
/// Warnings only: the flows still run.
/// </summary>
internal static class TemplateFactsPass
{
    public static void Run(IEnumerable<FlowDefinition> flows, DiagnosticBag diagnostics)
    {
        foreach (var flow in flows)
        {
            var trigger = FlowVocabulary.Triggers.First(t => t.Kind == flow.Trigger).Name;
            Check(flow.Then, flow.Trigger, trigger, PathPresence.RequiredBy(flow.When), diagnostics);
        }
    }

    private static void Check(ImmutableArray<FlowAction> actions, EventKind kind, string trigger, ImmutableHashSet<FieldPath> present, DiagnosticBag diagnostics)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case ReplyAction { Text: { } text }:
                    foreach (var read in text.Reads)
                    {
                        if (!PathPresence.IsSetBy(read.Path, kind))
                        {
                            diagnostics.Report(DiagnosticCodes.TemplatePathNotForTrigger, read.Span, read.Written, trigger);
                        }
                        else if (read.NeedsFallback && PathPresence.MayBeMissing(read.Path, kind) && !present.Contains(read.Path))
                        {
                            diagnostics.Report(DiagnosticCodes.TemplateValueMayBeMissing, read.Span, read.Written, trigger, Why(read.Path), read.Path.Id == PathId.ContactName ? "there" : "…");
                        }
                    }

                    break;
                case SetAction set:
                    foreach (var read in set.Fields.SelectMany(f => f.Value.Reads).Where(r => !PathPresence.IsSetBy(r.Path, kind)))
                    {
                        diagnostics.Report(DiagnosticCodes.TemplatePathNotForTrigger, read.Span, read.Written, trigger);
                    }

                    break;
                case FollowUpAction followUp:
                    Check(followUp.Then, kind, trigger, present.Union(PathPresence.RequiredBy(followUp.When)), diagnostics);
                    break;
            }
        }
    }

    private static string Why(FieldPath path) => path.Id switch
    {
        PathId.ContactName => " (Infobip's inbound messages carry no name)",
        PathId.MessageText => " (an image or a shared post has no text)",
        PathId.LeadField => " (a form need not ask it, and an answer may be empty)",
        PathId.ContactField => " (until a 'set' action fills it)",
        PathId.ConversationAssignee or PathId.ConversationTeam => " (until the conversation is assigned)",
        _ => string.Empty,
    };
}
