using System.Collections.Immutable;

namespace FlowAutomation.Model;

/// <summary>
/// Which values an event carries for sure, per trigger, and which values a condition proves are there. A value
/// "may be missing" when an event of the flow's trigger can come without it: the contact's name (Infobip's inbound
/// messages carry none), country, language and fields; the message's text (an image or a shared post has none), image
/// URL, post id and referral; every lead value (a form need not ask a question, and an answer may be empty); the
/// conversation's assignee and team. Always there: the contact's id and tags, the conversation's id and counts, the
/// message's type (<c>message.received</c>), the referral's source (<c>referral.received</c>), <c>event.tag</c>
/// (<c>contact.tagged</c>).
/// </summary>
public static class PathPresence
{
    /// <summary>Whether events of <paramref name="trigger"/> ever carry the path.</summary>
    public static bool IsSetBy(FieldPath path, EventKind trigger) =>
        path.Info.SetBy.IsEmpty || path.Info.SetBy.Contains(trigger);

    /// <summary>Whether an event of <paramref name="trigger"/> that sets the path may still come without its value.</summary>
    public static bool MayBeMissing(FieldPath path, EventKind trigger) => path.Id switch
    {
        PathId.ContactId or PathId.ContactTags or PathId.ConversationId or PathId.ConversationIsFirstMessage
            or PathId.ConversationInboundCount or PathId.ConversationMessagesLeft or PathId.ConversationWindowClosesIn => false,
        PathId.MessageType => trigger != EventKind.MessageReceived,
        PathId.MessageReferralSource => trigger != EventKind.ReferralReceived,
        PathId.EventTag => trigger != EventKind.ContactTagged,
        _ => true,
    };

    /// <summary>
    /// The paths that must have a value for <paramref name="condition"/> to hold: a test that is false on a missing
    /// value (<c>equals</c>, <c>in</c>, the keyword and text operators, <c>matches</c>, the comparisons,
    /// <c>exists: true</c>) in an <c>all</c> (the paths of any of its items) or in every item of an <c>any</c>.
    /// </summary>
    public static ImmutableHashSet<FieldPath> RequiredBy(Condition? condition) => condition switch
    {
        TestCondition test when FailsOnMissing(test) => [test.Path],
        AllCondition all => all.Items.Aggregate(ImmutableHashSet<FieldPath>.Empty, (set, item) => set.Union(RequiredBy(item))),
        AnyCondition { Items.Length: > 0 } any => any.Items.Skip(1).Aggregate(RequiredBy(any.Items[0]), (set, item) => set.Intersect(RequiredBy(item))),
        _ => [],
    };

    private static bool FailsOnMissing(TestCondition test) => test.Operator switch
    {
        TestOperator.NotEquals or TestOperator.NotIn or TestOperator.NotContains or TestOperator.Lacks => false,
        TestOperator.Exists => test.Flag == true,
        _ => true,
    };
}
