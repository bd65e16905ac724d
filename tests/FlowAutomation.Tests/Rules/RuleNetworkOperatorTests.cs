using FlowAutomation.Model;
using FlowAutomation.Rules;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// Every operator, true and false, and on a missing value, against one message event. Each case is checked on the
/// network and on the naive evaluator, so both are held to the same hand-written expectations.
/// </summary>
public sealed class RuleNetworkOperatorTests
{
    /// <summary>The event: "Hi! What's the PRICE of the Bundle?  2 pcs" from Ann Lee (SG, tags vip and Hot-Lead, plan Gold),
    /// conversation on its first message, 3 inbound, team sales, no assignee, 5 messages left, window closes in 3h; Monday 10:00 UTC.</summary>
    private static readonly FactSnapshot Event = Message("Hi! What's the PRICE of the Bundle?  2 pcs", Contact("SG", "vip", "Hot-Lead"));

    [Theory]
    // equals (text ignores case; number; boolean; missing)
    [InlineData("contact.country: sg", true)]
    [InlineData("contact.country: MY", false)]
    [InlineData("conversation.assignee: bob", false)]
    [InlineData("conversation.inbound_count: 3", true)]
    [InlineData("conversation.inbound_count: 4", false)]
    [InlineData("conversation.is_first_message: true", true)]
    [InlineData("conversation.is_first_message: false", false)]
    [InlineData("contact.fields.plan: GOLD", true)]
    // not_equals
    [InlineData("contact.country: { not_equals: MY }", true)]
    [InlineData("contact.country: { not_equals: Sg }", false)]
    [InlineData("conversation.assignee: { not_equals: bob }", true)]
    [InlineData("conversation.inbound_count: { not_equals: 3 }", false)]
    [InlineData("conversation.is_first_message: { not_equals: false }", true)]
    // in / not_in
    [InlineData("contact.country: [MY, Sg]", true)]
    [InlineData("contact.country: { in: [MY, ID] }", false)]
    [InlineData("conversation.assignee: [bob, ann]", false)]
    [InlineData("contact.country: { not_in: [MY, ID] }", true)]
    [InlineData("contact.country: { not_in: [my, SG] }", false)]
    [InlineData("conversation.assignee: { not_in: [bob] }", true)]
    // contains / contains_any / contains_all / not_contains
    [InlineData("message.text: { contains: price }", true)]
    [InlineData("message.text: { contains: \"what's the\" }", true)]
    [InlineData("message.text: { contains: bund }", false)]
    [InlineData("message.text: { contains: bund, whole_word: false }", true)]
    [InlineData("contact.name: { contains: LEE }", true)]
    [InlineData("conversation.assignee: { contains: bob }", false)]
    [InlineData("message.text: { contains_any: [cost, price] }", true)]
    [InlineData("message.text: { contains_any: [cost, fee] }", false)]
    [InlineData("message.text: { contains_all: [price, bundle, hi] }", true)]
    [InlineData("message.text: { contains_all: [price, cost] }", false)]
    [InlineData("message.text: { not_contains: [cost, fee] }", true)]
    [InlineData("message.text: { not_contains: price }", false)]
    [InlineData("message.text: { not_contains: [rice], whole_word: false }", false)]
    [InlineData("conversation.assignee: { not_contains: [bob] }", true)]
    // starts_with / ends_with
    [InlineData("message.text: { starts_with: \"hi! what\" }", true)]
    [InlineData("message.text: { starts_with: what }", false)]
    [InlineData("message.text: { ends_with: \"2 PCS\" }", true)]
    [InlineData("message.text: { ends_with: \"pcs!\" }", false)]
    [InlineData("conversation.assignee: { starts_with: b }", false)]
    // matches
    [InlineData("message.text: { matches: 'price\\s+of' }", true)]
    [InlineData("message.text: { matches: '^bye' }", false)]
    [InlineData("conversation.assignee: { matches: '.*' }", false)]
    // exists
    [InlineData("conversation.assignee: { exists: false }", true)]
    [InlineData("conversation.assignee: { exists: true }", false)]
    [InlineData("contact.name: { exists: true }", true)]
    [InlineData("message.image_url: { exists: true }", false)]
    [InlineData("contact.tags: { exists: true }", true)]
    [InlineData("event.tag: { exists: false }", true)]
    [InlineData("conversation.inbound_count: { exists: true }", true)]
    // gt / gte / lt / lte on numbers and durations
    [InlineData("conversation.inbound_count: { gt: 2 }", true)]
    [InlineData("conversation.inbound_count: { gt: 3 }", false)]
    [InlineData("conversation.inbound_count: { gte: 3 }", true)]
    [InlineData("conversation.inbound_count: { lt: 3 }", false)]
    [InlineData("conversation.inbound_count: { lte: 3 }", true)]
    [InlineData("conversation.messages_left: { gte: 5.5 }", false)]
    [InlineData("conversation.window_closes_in: { lt: 4h }", true)]
    [InlineData("conversation.window_closes_in: { gt: 3h }", false)]
    [InlineData("conversation.window_closes_in: { gte: 3h }", true)]
    [InlineData("conversation.window_closes_in: { lte: 2h59m }", false)]
    // has / has_any / lacks (tags ignore case)
    [InlineData("contact.tags: VIP", true)]
    [InlineData("contact.tags: { has: hot-lead }", true)]
    [InlineData("contact.tags: { has: cold }", false)]
    [InlineData("contact.tags: [cold, Vip]", true)]
    [InlineData("contact.tags: { has_any: [cold, new] }", false)]
    [InlineData("contact.tags: { lacks: customer }", true)]
    [InlineData("contact.tags: { lacks: VIP }", false)]
    [InlineData("contact.tags: { lacks: [cold, vip] }", false)]
    [InlineData("contact.tags: { lacks: [cold, new] }", true)]
    // several operators on one path must all hold
    [InlineData("conversation.inbound_count: { gt: 1, lt: 5 }", true)]
    [InlineData("conversation.inbound_count: { gt: 1, lt: 3 }", false)]
    // business hours (10:00 UTC Monday = 18:00 Monday in Singapore)
    [InlineData("business_hours: { days: [mon], from: \"09:00\", to: \"11:00\" }", true)]
    [InlineData("business_hours: { days: [tue], from: \"09:00\", to: \"11:00\" }", false)]
    [InlineData("business_hours: { from: \"10:00\", to: \"10:00\" }", false)]
    [InlineData("business_hours: { days: [mon], from: \"18:00\", to: \"09:00\", tz: Asia/Singapore }", true)]
    [InlineData("business_hours: { days: [sun], from: \"18:00\", to: \"09:00\", tz: Asia/Singapore }", false)]
    [InlineData("business_hours: { days: [mon], from: \"09:00\", to: \"18:00\", tz: Asia/Singapore }", false)]
    [InlineData("business_hours: { days: [mon], from: \"12:00\", to: \"24:00\", tz: Asia/Singapore }", true)]
    public void Evaluate_Operator_MatchesExpectation(string when, bool expected)
    {
        var flows = Flows(FlowWhen("t", when));
        var network = RuleNetwork.Build(flows);

        Assert.Equal(expected, Fired(network, Event).Count == 1);
        Assert.Equal(expected, NaiveFired(flows, Event).Count == 1);
    }

    [Theory]
    [InlineData("2026-03-02T23:00:00Z", true)] // Monday night: Monday's range has started
    [InlineData("2026-03-03T02:30:00Z", true)] // Tuesday early morning: still Monday's range
    [InlineData("2026-03-03T06:00:00Z", false)] // the end is exclusive
    [InlineData("2026-03-02T02:30:00Z", false)] // Monday early morning belongs to Sunday's range, and Sunday is not listed
    [InlineData("2026-03-02T12:00:00Z", false)]
    public void Evaluate_BusinessHoursAcrossMidnight_CountsTheDayTheRangeStarts(string at, bool expected)
    {
        var flows = Flows(FlowWhen("night", "business_hours: { days: [mon], from: \"22:00\", to: \"06:00\" }"));
        var facts = Message("hi", at: DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, Fired(RuleNetwork.Build(flows), facts).Count == 1);
        Assert.Equal(expected, NaiveFired(flows, facts).Count == 1);
    }
}
