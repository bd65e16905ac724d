using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Policy;

namespace FlowAutomation.Compilation;

/// <summary>
/// Rejects, at compile time, what the guard would refuse every time under the policy profile: follow-ups at or
/// past the reply window, more replies per activation than the window's quota, and message content the platform
/// never accepts. Runs on bound flows; the numbers come from <see cref="PolicyProfile"/>, never from constants.
/// </summary>
internal static class PolicyCheckPass
{
    /// <summary>Checks every flow; returns the flows with errors, which must not run.</summary>
    public static HashSet<FlowDefinition> Run(IEnumerable<FlowDefinition> flows, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        var rejected = new HashSet<FlowDefinition>(ReferenceEqualityComparer.Instance);
        foreach (var flow in flows)
        {
            var errors = diagnostics.ErrorCount;
            var replies = new List<(TimeSpan At, int Order, ReplyAction Reply)>();
            CheckActions(flow.Then, [], policy, diagnostics, replies);

            // The replies go out in time order; the first one past the quota is where the flow asks too much.
            if (replies.Count > policy.MessagesPerWindow)
            {
                var over = replies.OrderBy(r => r.At).ThenBy(r => r.Order).ElementAt(policy.MessagesPerWindow);
                diagnostics.Report(DiagnosticCodes.TooManyReplies, over.Reply.Span, flow.Id, replies.Count, policy.MessagesPerWindow);
            }

            if (diagnostics.ErrorCount > errors)
            {
                rejected.Add(flow);
            }
        }

        return rejected;
    }

    /// <summary>
    /// Checks the actions, whose follow-up delays so far are <paramref name="delays"/>, and collects the replies
    /// they can send inside the reply window opened by the triggering message.
    /// </summary>
    private static void CheckActions(IEnumerable<FlowAction> actions, ImmutableList<TimeSpan> delays, PolicyProfile policy, DiagnosticBag diagnostics, List<(TimeSpan At, int Order, ReplyAction Reply)> replies)
    {
        var delay = delays.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        foreach (var action in actions)
        {
            switch (action)
            {
                case ReplyAction reply:
                    CheckReply(reply, policy, diagnostics);
                    replies.Add((delay, replies.Count, reply));
                    break;
                case FollowUpAction followUp:
                    var chain = delays.Add(followUp.After);
                    var at = delay + followUp.After;
                    if (at < policy.ReplyWindow)
                    {
                        CheckActions(followUp.Then, chain, policy, diagnostics, replies);
                    }
                    else
                    {
                        // Past the window: the replies are checked, but they do not count against this window.
                        CheckActions(followUp.Then, chain, policy, diagnostics, []);
                        // A profile that allows messages after the window (tiktok-tiered) can deliver it: no diagnostic.
                        if (SendsMessages(followUp) && policy.MessagesAfterWindow == 0)
                        {
                            var descriptor = followUp.UnlessCustomerReplied ? DiagnosticCodes.FollowUpPastWindowImpossible : DiagnosticCodes.FollowUpPastWindow;
                            var when = chain.Count == 1 ? Durations.Format(at) : $"{Durations.Format(at)} ({string.Join(" + ", chain.Select(Durations.Format))})";
                            diagnostics.Report(descriptor, followUp.AfterSpan, when, Durations.Format(policy.ReplyWindow));
                        }
                    }

                    break;
            }
        }
    }

    private static bool SendsMessages(FollowUpAction followUp) =>
        followUp.Then.Any(a => a is ReplyAction || (a is FollowUpAction nested && SendsMessages(nested)));

    private static void CheckReply(ReplyAction reply, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        if (reply.Validity is { } validity && validity > policy.MaxValidity)
        {
            diagnostics.Report(DiagnosticCodes.ValidityTooLong, reply.ValiditySpan, Durations.Format(validity), Durations.Format(policy.MaxValidity));
        }

        // A reply that bound with errors may lack its content; what is missing was reported by the binder.
        switch (reply.Kind)
        {
            case ReplyKind.Text when reply.Text is not null:
                CheckText(reply, policy, diagnostics);
                break;
            case ReplyKind.Image when reply.ImageUrl is not null:
                CheckImage(reply.ImageUrl, reply.ContentSpan, policy, diagnostics);
                break;
            case ReplyKind.SharePost when reply.PostId is not null:
                CheckPost(reply.PostId, reply.ContentSpan, diagnostics);
                break;
        }
    }

    private static void CheckText(ReplyAction reply, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        var template = reply.Text!;
        // What every render of the template contains is a lower bound on what it sends.
        var literal = template.MinimumText;
        if (template.IsLiteral && string.IsNullOrWhiteSpace(literal))
        {
            diagnostics.Report(DiagnosticCodes.TextEmpty, reply.ContentSpan);
            return;
        }

        if (ContentRules.IsTooLong(literal, policy.TextMaxLength, out var length))
        {
            diagnostics.Report(DiagnosticCodes.TextTooLong, reply.ContentSpan, length.ToString("N0", CultureInfo.InvariantCulture), policy.TextMaxLength.ToString("N0", CultureInfo.InvariantCulture));
        }
    }

    internal static void CheckImage(string url, SourceSpan span, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        switch (ContentRules.CheckImageUrl(url, policy.ImageFormats))
        {
            case ImageUrlCheck.Invalid:
                diagnostics.Report(DiagnosticCodes.ImageUrlInvalid, span, url);
                break;
            case ImageUrlCheck.UnsupportedFormat:
                diagnostics.Report(DiagnosticCodes.ImageFormat, span, url, string.Join(", ", policy.ImageFormats));
                break;
        }
    }

    internal static void CheckPost(string postId, SourceSpan span, DiagnosticBag diagnostics)
    {
        if (ContentRules.IsPostId(postId))
        {
            return;
        }

        var fromUrl = ContentRules.PostIdFromUrl(postId);
        var hint = fromUrl is not null ? $"; use the id '{fromUrl}' from the URL" : string.Empty;
        diagnostics.Report(DiagnosticCodes.SharePostInvalid, span, postId, hint);
    }
}
