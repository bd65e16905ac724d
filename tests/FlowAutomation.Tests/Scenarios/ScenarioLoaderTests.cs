using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Tests.Scenarios;

public sealed class ScenarioLoaderTests
{
    private static (Scenario? Scenario, IReadOnlyList<Diagnostic> Diagnostics) Load(string yaml)
    {
        var bag = new DiagnosticBag();
        var scenario = ScenarioLoader.LoadText("samples/s.yaml", yaml, bag);
        return (scenario, bag.ToSortedList());
    }

    [Fact]
    public void LoadText_ContractExample_BindsEverything()
    {
        var (scenario, diagnostics) = Load("""
            scenario: lead follow-up after silence
            flows: ../flows
            start: 2026-03-02T09:00:00Z
            contact: { id: u-1001, name: Ann Lee, country: SG, tags: [], fields: {} }
            policy: { lead_opens_window: false }
            teams: { sales: [ana, ben] }
            events:
              - at: 0s
                lead.submitted: { form_id: spring-sale, form_name: Spring Sale, fields: { email: ann@example.com } }
              - at: 5m
                message.received: { text: "How much is the bundle?" }
              - at: 60h
                advance: true
            expect:
              sent:
                - text: "Hi Ann Lee, thanks for signing up for Spring Sale!"
                - text_contains: "price list"
              sent_count: 2
              blocked:
                - { reason: window_expired, flow: lead-nudge }
              tags: [hot-lead]
              assigned: { team: sales }
              fired: [lead-welcome]
              not_fired: [price-inquiry]
            """);

        Assert.Empty(diagnostics);
        Assert.NotNull(scenario);
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(start, scenario.Start);
        Assert.Equal("u-1001", scenario.Contact.Id);
        Assert.Equal(3, scenario.Events.Length);
        Assert.Equal(EventKind.LeadSubmitted, scenario.Events[0].Event!.Kind);
        Assert.Equal("ann@example.com", scenario.Events[0].Event!.Lead!.Fields["email"]);
        Assert.Equal(start.AddMinutes(5), scenario.Events[1].At);
        Assert.Equal("How much is the bundle?", scenario.Events[1].Event!.Message!.Text);
        Assert.True(scenario.Events[2].IsAdvance);
        Assert.Equal(start.AddHours(60), scenario.Events[2].At);
        Assert.Equal([MessageMatcherKind.Text, MessageMatcherKind.TextContains], scenario.Expect.Sent!.Value.Select(m => m.Kind));
        Assert.Equal(2, scenario.Expect.SentCount);
        Assert.Equal(("window_expired", "lead-nudge"), (scenario.Expect.Blocked[0].Reason, scenario.Expect.Blocked[0].Flow));
        Assert.Equal("sales", scenario.Expect.AssignedTeam);
        Assert.Equal(["lead-welcome"], scenario.Expect.Fired.Select(f => f.Id));
        Assert.Equal(["price-inquiry"], scenario.Expect.NotFired.Select(f => f.Id));
        Assert.Equal(("lead_opens_window", "false"), (scenario.Policy[0].Key, scenario.Policy[0].Value));
        Assert.Equal(["ana", "ben"], scenario.Teams["sales"].ToArray());
    }

    [Fact]
    public void LoadText_BadScenario_ReportsEveryProblemWithPosition()
    {
        var (scenario, diagnostics) = Load("""
            scenario: broken
            start: 2026-03-02T09:00:00Z
            events:
              - at: 2h
                message.recieved: { text: hi }
              - at: 3h
                message.received: { text: hi }
              - at: 1h
                lead.submitted: { form_id: x }
              - at: 5 minutes
                advance: true
            expect:
              blocked:
                - { reason: window_closed }
            """);

        Assert.Null(scenario);
        Assert.Equal(
            [
                "samples/s.yaml(5,5): error FA3001: unknown event type 'message.recieved'; did you mean 'message.received'?",
                "samples/s.yaml(9,5): error FA3002: this event at 1h comes before the previous event at 3h; list events in time order",
                "samples/s.yaml(10,9): error FA3004: invalid time '5 minutes'; use an offset from start such as 5m or 2h, or a timestamp such as 2026-03-02T09:00:00Z",
                "samples/s.yaml(14,17): error FA3007: unknown guard reason 'window_closed'",
            ],
            diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void LoadText_MissingStartAndEvents_ReportsMissingKeys()
    {
        var (scenario, diagnostics) = Load("scenario: empty\n");

        Assert.Null(scenario);
        Assert.Equal(["FA1002", "FA1002"], diagnostics.Select(d => d.Code));
        Assert.Contains("'start'", diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_StartMissing_StillChecksTheEvents()
    {
        var (scenario, diagnostics) = Load("""
            scenario: no start
            events:
              - at: 2h
                message.received: { text: hi }
              - at: 1h
                lead.submitted: { form_id: x, colour: red }
            """);

        Assert.Null(scenario);
        Assert.Equal([("FA1002", 1), ("FA3002", 6), ("FA1001", 6)], diagnostics.Select(d => (d.Code, d.Span.Start.Line)));
    }

    [Fact]
    public void LoadText_EventWithSeveralMistakes_ReportsEachOfThem()
    {
        var (scenario, diagnostics) = Load("""
            scenario: one event, three mistakes
            start: 2026-03-02T09:00:00Z
            events:
              - at: soon
                message.received: { text: hi, type: video }
                lead.submitted: { form_id: x }
            """);

        Assert.Null(scenario);
        Assert.Equal([("FA3006", 4, 5), ("FA3004", 4, 9), ("FA1006", 5, 41)], diagnostics.Select(d => (d.Code, d.Span.Start.Line, d.Span.Start.Column)));
    }

    [Fact]
    public void LoadText_AbsoluteEventTime_IsUsedAsIs()
    {
        var (scenario, diagnostics) = Load("""
            scenario: absolute
            start: 2026-03-02T09:00:00+08:00
            events:
              - at: 2026-03-02T10:30:00+08:00
                referral.received: { source: short_link, ref: summer }
            """);

        Assert.Empty(diagnostics);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 2, 30, 0, TimeSpan.Zero), scenario!.Events[0].At);
        Assert.Equal(ReferralSource.ShortLink, scenario.Events[0].Event!.Referral!.Source);
    }
}
