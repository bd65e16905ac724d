using FlowAutomation.Guard;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.State;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Guard;

/// <summary>
/// Random interleavings of customer messages, lead submissions, sends and clock jumps: the guard and the plain
/// <see cref="ReferencePolicy"/> must agree on every decision, and no window may ever hold more sends than allowed.
/// </summary>
public sealed class GuardPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The default profiles, and small variants that reach the quota and window edges more often.</summary>
    private static readonly PolicyProfile[] Profiles =
    [
        PolicyProfile.TikTok,
        PolicyProfile.TikTokTiered,
        PolicyProfile.TikTok with { LeadOpensWindow = false },
        PolicyProfile.TikTok with { MessagesPerWindow = 3, ReplyWindow = TimeSpan.FromHours(2) },
        PolicyProfile.TikTokTiered with { MessagesPerWindow = 2, MessagesPerReplyWindow = 4, MessagesAfterWindow = 1, ReplyWindow = TimeSpan.FromHours(2) },
        PolicyProfile.TikTokTiered with { MessagesPerWindow = 2, LeadOpensWindow = false, DefaultValidity = TimeSpan.FromHours(1) },
    ];

    private static readonly MessageDraft[] Messages =
    [
        MessageDraft.ForText("Hi! Here is our price list."),
        MessageDraft.ForText("Thanks 👍🏽", TimeSpan.FromHours(1)),
        MessageDraft.ForText("  "),
        MessageDraft.ForText(new string('x', 6001)),
        MessageDraft.ForText("too late", TimeSpan.FromHours(49)),
        MessageDraft.ForImage("https://cdn.shop.example/price-list.png", 1024),
        MessageDraft.ForImage("https://cdn.shop.example/anim.gif"),
        MessageDraft.ForImage("ftp://cdn.shop.example/a.png"),
        MessageDraft.ForImage("https://cdn.shop.example/big.jpg", 4L * 1024 * 1024),
        MessageDraft.ForImage("https://cdn.shop.example/small.png", 4L * 1024 * 1024) with { Image = new ImageFacts { Bytes = 2048, Format = "png" } },
        MessageDraft.ForImage("https://cdn.shop.example/grown.png", 1024) with { Image = new ImageFacts { Bytes = 4L * 1024 * 1024, Format = "png" } },
        MessageDraft.ForImage("https://cdn.shop.example/photo.png") with { Image = new ImageFacts { Bytes = 2048, Format = "jpeg" } },
        MessageDraft.ForImage("https://cdn.shop.example/anim.png") with { Image = new ImageFacts { Bytes = 2048, Format = "gif" } },
        MessageDraft.ForImage("https://cdn.shop.example/gone.png") with { Image = ImageFacts.Unreachable("HTTP 404 Not Found") },
        MessageDraft.ForSharePost("7301234567890"),
        MessageDraft.ForSharePost("https://www.tiktok.com/@shop/video/7301234567890"),
        MessageDraft.ForUnsupported(OutboundKind.Video),
    ];

    private static readonly TimeSpan[] Jumps =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
        TimeSpan.FromHours(24), TimeSpan.FromHours(48) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(48), TimeSpan.FromHours(60),
    ];

    [Fact]
    public void Decide_RandomInterleavings_AgreesWithReferenceAndNeverOverfillsAWindow()
    {
        var step = Gen.Frequency(
            (3, Gen.Constant<Step>(new Inbound())),
            (1, Gen.Constant<Step>(new Lead())),
            (8, Gen.Choose(0, Messages.Length - 1).Select(i => (Step)new Send(i))),
            (3, Gen.Elements(Jumps).Select(j => (Step)new Jump(j))),
            (1, Gen.Choose(1, 100 * 3600).Select(s => (Step)new Jump(TimeSpan.FromSeconds(s)))));
        var scenario =
            from profile in Gen.Choose(0, Profiles.Length - 1)
            from steps in Gen.ListOf(step)
            select new Scenario(profile, [.. steps]);

        Prop.ForAll(scenario.ToArbitrary(), Run).Check(Config.QuickThrowOnFailure.WithMaxTest(1000).WithEndSize(120));
    }

    private static bool Run(Scenario scenario)
    {
        var profile = Profiles[scenario.Profile];
        var reference = new ReferencePolicy(profile);
        var state = ConversationState.New("c-1");
        var guardHistory = new List<(string What, DateTimeOffset At)>();
        var now = Start;
        foreach (var step in scenario.Steps)
        {
            switch (step)
            {
                case Inbound:
                    state = state.RecordInbound(now, profile);
                    reference.CustomerWrote(now);
                    guardHistory.Add(("inbound", now));
                    break;
                case Lead:
                    state = state.RecordLeadSubmission(now, profile);
                    reference.LeadSubmitted(now);
                    guardHistory.Add(("lead", now));
                    break;
                case Jump jump:
                    now += jump.By;
                    break;
                case Send send:
                    var message = Messages[send.Message];
                    var decision = MessageGuard.Decide(state, message, profile, now);
                    var expected = reference.Decide(message, now, out var expectedExpiry);
                    var actual = decision.IsAllowed ? "allowed" : decision.ReasonCode;
                    if (actual != expected || (decision.IsAllowed && decision.ExpiresAt != expectedExpiry))
                    {
                        throw new InvalidOperationException($"at {now:u} for {message}: guard said {actual} (expires {decision.ExpiresAt:u}), reference said {expected} (expires {expectedExpiry:u})");
                    }

                    if (decision.IsAllowed)
                    {
                        state = MessageGuard.Reserve(state, decision);
                        guardHistory.Add(("send", now));
                    }

                    break;
            }
        }

        var overfull = ReferencePolicy.FindOverfullWindow(profile, guardHistory);
        return overfull is null ? true : throw new InvalidOperationException(overfull);
    }

    private abstract record Step;

    private sealed record Inbound : Step;

    private sealed record Lead : Step;

    private sealed record Send(int Message) : Step;

    private sealed record Jump(TimeSpan By) : Step;

    private sealed record Scenario(int Profile, Step[] Steps)
    {
        public override string ToString() => $"profile {Profiles[Profile].Name} #{Profile}: {string.Join(", ", Steps.Select(s => s.ToString()))}";
    }
}
