using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scenarios;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Studio;

namespace FlowAutomation.Server.Tests.Studio;

/// <summary>A recorded conversation written as a scenario: every kind of event the inbox keeps, read back as the same events.</summary>
public sealed class RecordedScenarioTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, 250, TimeSpan.Zero);

    private static InboxItem Message(long seq, DateTimeOffset at, InboundMessage message) =>
        new InboxEvent(seq, new InboundEvent("conv-1", "user-1", FlowEvent.MessageReceived(at, message), "Ann \"Lee\"", "SG"));

    [Fact]
    public void Build_EveryKindOfEvent_ReadsBackAsTheSameEvents_ToTheSecond()
    {
        var inbound = new List<InboxItem>
        {
            Message(1, T0, new InboundMessage(MessageType.Text, "Hi! \"quoted\" \\ back\nnew line 🌸", Referral: new Referral(ReferralSource.Ad, "ad-9", null))),
            new InboxEvent(2, new InboundEvent("conv-1", "user-1", FlowEvent.LeadSubmitted(T0.AddMinutes(2), new LeadSubmission("f-1", "Spring", null, null, ImmutableDictionary<string, string>.Empty.Add("email", "ann@example.com"))))),
            new InboxAgentMessage(3, new AgentMessage("conv-1", T0.AddMinutes(3), "user-1", "Ana here")),
            Message(4, T0.AddMinutes(90).AddMilliseconds(600), new InboundMessage(MessageType.Image, null, "https://cdn.example/a.png")),
            new InboxEvent(5, new InboundEvent("conv-1", "user-1", FlowEvent.ReferralReceived(T0.AddHours(3), new Referral(ReferralSource.ShortLink, null, "qr-1")))),
        };
        var trail = new List<AuditedRecord>
        {
            new(1, new EventTrace(T0.AddHours(3), "referral.received", "referral.received", 0)),
            new(2, new EventTrace(T0.AddHours(27), "follow_up", "follow-up x#1 of x is due", 0)),
            new(3, new ActionTrace(T0.AddHours(27), "x", "reply", ActionStatus.Sent, null, "See you", "sent") { Content = "text" }),
            new(4, new ActionTrace(T0.AddHours(27), "x", "reply", ActionStatus.Blocked, "window_expired", "Late", "blocked")),
        };

        var text = RecordedScenario.Build("conv-1", null, inbound, trail, trailComplete: true)!;
        var diagnostics = new DiagnosticBag();
        var scenario = ScenarioLoader.LoadText("recorded.scenario.yaml", text, diagnostics);

        Assert.Empty(diagnostics.ToSortedList());
        Assert.NotNull(scenario);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), scenario.Start);
        Assert.Equal(("user-1", "Ann \"Lee\"", "SG"), (scenario.Contact.Id, scenario.Contact.Name, scenario.Contact.Country));
        Assert.Equal(["0s", "2m", "3m", "1h30m", "3h", "27h"], scenario.Events.Select(e => Durations.Format(e.At - scenario.Start)));
        var first = scenario.Events[0].Event!;
        Assert.Equal(("Hi! \"quoted\" \\ back\nnew line 🌸", ReferralSource.Ad, "ad-9"), (first.Message!.Text, first.Referral!.Source, first.Referral.AdId));
        Assert.Equal(("f-1", "Spring", "ann@example.com"), (scenario.Events[1].Event!.Lead!.FormId, scenario.Events[1].Event!.Lead!.FormName, scenario.Events[1].Event!.Lead!.Fields["email"]));
        Assert.Equal("Ana here", scenario.Events[2].Agent!.Text);
        Assert.Equal("https://cdn.example/a.png", scenario.Events[3].Event!.Message!.ImageUrl);
        Assert.Equal(("qr-1", ReferralSource.ShortLink), (scenario.Events[4].Event!.Referral!.Ref, scenario.Events[4].Event!.Referral!.Source));
        Assert.True(scenario.Events[5].IsAdvance);
        Assert.Equal(["See you"], scenario.Expect.Sent!.Value.Select(m => m.Value));
        Assert.Equal(["window_expired"], scenario.Expect.Blocked.Select(b => b.Reason));
    }

    [Fact]
    public void Build_TrailCutShort_NoExpectations_AndNoEventsNoScenario()
    {
        var inbound = new List<InboxItem> { Message(1, T0, new InboundMessage(MessageType.Text, "hi")) };

        var text = RecordedScenario.Build("conv-1", null, inbound, [], trailComplete: false)!;

        Assert.DoesNotContain("expect:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("advance", text, StringComparison.Ordinal);
        Assert.Null(RecordedScenario.Build("conv-1", null, [], [], trailComplete: true));
    }
}
