using System.Globalization;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Policy;

namespace FlowAutomation.Compilation;

/// <summary>
/// Rejects, at compile time, what the guard would refuse every time under the policy profile: follow-ups at or
/// past the reply window, more replies per activation than the window's quota, and message content the platform
/// never accepts. Runs on bound flows; the numbers come from <see cref="PolicyProfile"/>, never from constants.
/// </summary>
internal static partial class PolicyCheckPass
{
    public static void Run(IEnumerable<FlowDefinition> flows, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        foreach (var flow in flows)
        {
            var replies = CheckActions(flow.Then, TimeSpan.Zero, policy, diagnostics);
            if (replies > policy.MessagesPerWindow)
            {
                diagnostics.Report(DiagnosticCodes.TooManyReplies, flow.Span, flow.Id, replies, policy.MessagesPerWindow);
            }
        }
    }

    /// <summary>Checks the actions and returns how many replies they can send inside one reply window.</summary>
    private static int CheckActions(IEnumerable<FlowAction> actions, TimeSpan delay, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        var replies = 0;
        foreach (var action in actions)
        {
            switch (action)
            {
                case ReplyAction reply:
                    CheckReply(reply, policy, diagnostics);
                    replies++;
                    break;
                case FollowUpAction followUp:
                    var at = delay + followUp.After;
                    var inner = CheckActions(followUp.Then, at, policy, diagnostics);
                    if (at < policy.ReplyWindow)
                    {
                        replies += inner;
                    }
                    else if (SendsMessages(followUp))
                    {
                        var descriptor = followUp.UnlessCustomerReplied ? DiagnosticCodes.FollowUpPastWindowImpossible : DiagnosticCodes.FollowUpPastWindow;
                        diagnostics.Report(descriptor, followUp.AfterSpan, Durations.Format(at), Durations.Format(policy.ReplyWindow));
                    }

                    break;
            }
        }

        return replies;
    }

    private static bool SendsMessages(FollowUpAction followUp) =>
        followUp.Then.Any(a => a is ReplyAction || (a is FollowUpAction nested && SendsMessages(nested)));

    private static void CheckReply(ReplyAction reply, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        if (reply.Validity is { } validity && validity > policy.MaxValidity)
        {
            diagnostics.Report(DiagnosticCodes.ValidityTooLong, reply.ValiditySpan, Durations.Format(validity), Durations.Format(policy.MaxValidity));
        }

        switch (reply.Kind)
        {
            case ReplyKind.Text:
                CheckText(reply, policy, diagnostics);
                break;
            case ReplyKind.Image:
                CheckImage(reply.ImageUrl!, reply.ContentSpan, policy, diagnostics);
                break;
            case ReplyKind.SharePost:
                CheckPost(reply.PostId!, reply.ContentSpan, diagnostics);
                break;
        }
    }

    private static void CheckText(ReplyAction reply, PolicyProfile policy, DiagnosticBag diagnostics)
    {
        var template = reply.Text!;
        // The literal part of a template is a lower bound on what it renders to.
        var literal = template.IsLiteral ? template.Source : Expression().Replace(template.Source, string.Empty);
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

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Expression();
}
