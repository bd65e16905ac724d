using BenchmarkDotNet.Attributes;
using FlowAutomation.Guard;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.State;

namespace FlowAutomation.Benchmarks.Guard;

/// <summary>
/// The cost of one guard decision. The allow paths must stay under 1 µs and allocate nothing; a refusal allocates
/// nothing either until its description is asked for.
/// Run: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*GuardDecision*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 5)]
public class GuardDecisionBenchmarks
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 5, 0, TimeSpan.Zero);

    private readonly PolicyProfile profile = PolicyProfile.TikTok with { MediaBlockedCountries = ["IN", "VN", "BD"] };
    private readonly PolicyProfile tiered = PolicyProfile.TikTokTiered;
    private readonly MessageDraft text = MessageDraft.ForText("Hi Ann Lee! Here is our price list for the spring bundle. Reply PRICE for more.") with { RecipientCountry = "SG" };
    private readonly MessageDraft thai = MessageDraft.ForText(string.Concat(Enumerable.Repeat("สวัสดีครับ ขอบคุณ 👍🏽 ", 20)));
    private readonly MessageDraft emoji1600 = MessageDraft.ForText(string.Concat(Enumerable.Repeat("👍🏽", 1600)));
    private readonly MessageDraft image = MessageDraft.ForImage("https://cdn.shop.example/catalogue/2026/spring/price-list.png?v=3", 512_000) with { RecipientCountry = "SG" };
    private readonly MessageDraft post = MessageDraft.ForSharePost("7301234567890");
    private ConversationState open = null!;
    private ConversationState full = null!;
    private ConversationState tieredAfter = null!;
    private ConversationGuard guard = null!;
    private DateTimeOffset storeClock;

    [GlobalSetup]
    public void Setup()
    {
        open = ConversationState.New("c-1").RecordInbound(T0, profile).RecordSend(T0, false).RecordSend(T0, false).RecordSend(T0, false);
        full = Enumerable.Range(0, 10).Aggregate(ConversationState.New("c-2").RecordInbound(T0, profile), (s, _) => s.RecordSend(T0, false));
        tieredAfter = ConversationState.New("c-3").RecordInbound(T0, tiered).RecordSend(T0 + TimeSpan.FromHours(50), true);
        guard = new ConversationGuard(new InMemoryConversationStore(), PolicyProfile.TikTok with { MessagesPerWindow = int.MaxValue });
        storeClock = T0;
        guard.RecordInboundAsync("c-store", T0).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public GuardDecision AllowText() => MessageGuard.Decide(open, text, profile, T0 + TimeSpan.FromHours(5));

    [Benchmark]
    public GuardDecision AllowThaiText200() => MessageGuard.Decide(open, thai, profile, T0 + TimeSpan.FromHours(5));

    /// <summary>The worst allowed text: 6,400 UTF-16 units (over the limit in units), so every character is counted.</summary>
    [Benchmark]
    public GuardDecision AllowEmojiText6400Units() => MessageGuard.Decide(open, emoji1600, profile, T0 + TimeSpan.FromHours(5));

    [Benchmark]
    public GuardDecision AllowImage() => MessageGuard.Decide(open, image, profile, T0 + TimeSpan.FromHours(5));

    [Benchmark]
    public GuardDecision AllowSharePost() => MessageGuard.Decide(open, post, profile, T0 + TimeSpan.FromHours(5));

    [Benchmark]
    public GuardDecision AllowTieredAfterWindow() => MessageGuard.Decide(tieredAfter, text, tiered, T0 + TimeSpan.FromHours(60));

    [Benchmark]
    public GuardDecision RefuseQuota() => MessageGuard.Decide(full, text, profile, T0 + TimeSpan.FromHours(5));

    [Benchmark]
    public string RefuseQuotaDescribed() => MessageGuard.Decide(full, text, profile, T0 + TimeSpan.FromHours(5)).Describe();

    /// <summary>Decide and reserve: the reservation allocates the new immutable state.</summary>
    [Benchmark]
    public ConversationState AllowAndReserve()
    {
        var decision = MessageGuard.Decide(open, text, profile, T0 + TimeSpan.FromHours(5));
        return MessageGuard.Reserve(open, decision);
    }

    /// <summary>Through the in-memory store: read, decide, compare-and-swap.</summary>
    [Benchmark]
    public async ValueTask<GuardDecision> DecideThroughInMemoryStore() =>
        await guard.DecideAsync("c-store", text, storeClock += TimeSpan.FromTicks(1));

    [Benchmark]
    public ConversationFacts ToConversationFacts() => open.ToConversationFacts(profile, T0 + TimeSpan.FromHours(5));
}
