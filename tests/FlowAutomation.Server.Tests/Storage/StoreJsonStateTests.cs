using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using FlowAutomation.Policy;
using FlowAutomation.Server.Storage;
using FlowAutomation.State;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The conversation state's hand-written JSON against the serializer's: the same bytes for states the transitions
/// make and for random states (any text, times in any offset, tags and fields in any case, null field values), and
/// rows the serializer wrote read back and write as the serializer writes them.
/// </summary>
public sealed class StoreJsonStateTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, 123, TimeSpan.Zero);

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, States().Count)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void SerializeState_EachState_SameBytesAsTheSerializer(int index)
    {
        var state = States()[index];

        var written = StoreJson.SerializeState(state);

        Assert.Equal(StoreJson.Serialize(state), written);
        var read = StoreJson.DeserializeState(written, state.Version);
        Assert.Equal(StoreJson.Serialize(read), StoreJson.SerializeState(read));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryWriteStateUtf8_EachState_TheSerializersUtf8Bytes(int index)
    {
        var state = States()[index];

        Assert.True(StoreJson.TryWriteStateUtf8(state, out var utf8));

        Assert.Equal(Encoding.UTF8.GetBytes(StoreJson.Serialize(state)), utf8.ToArray());
    }

    [Fact]
    public void SerializeState_RandomStates_SameBytesAsTheSerializer()
    {
        Prop.ForAll<string[], string[], int>((texts, names, count) =>
        {
            var state = RandomState(texts ?? [], names ?? [], count, ticks: count * 1_000_000_007L, flag: count % 2 == 0);
            var written = StoreJson.SerializeState(state);
            return written == StoreJson.Serialize(state)
                && written == StoreJson.SerializeState(StoreJson.DeserializeState(written, state.Version));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SerializeState_EveryMemberSet_WritesTheSerializersMembersInItsOrder()
    {
        var state = States()[5] with { LastLeadAt = At, Team = "sales" };
        var contract = StoreJson.Options.GetTypeInfo(typeof(ConversationState)).Properties.Where(p => p.Get is not null && p.Set is not null).Select(p => p.Name);

        using var written = JsonDocument.Parse(StoreJson.SerializeState(state));

        Assert.Equal(contract, written.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void SerializeState_OpenerWithNoName_LeftToTheSerializer()
    {
        var state = ConversationState.New("c-1") with { WindowOpener = (WindowOpener)7 };

        Assert.Equal(StoreJson.Serialize(state), StoreJson.SerializeState(state));
        Assert.Contains("\"WindowOpener\":7", StoreJson.SerializeState(state), StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeState_RowTheSerializerWrote_ReadsAsBefore()
    {
        const string row = """{"ConversationId":"c-1","ContactId":"u-1","Version":3,"InboundCount":2,"FirstInboundAt":"2026-12-03T10:00:00.123+00:00","CustomerReplied":false,"BusinessReplied":true,"WindowOpener":"Message","WindowStart":"2026-12-03T10:00:00.123+00:00","WindowEnd":"2026-12-04T10:00:00.123+00:00","WindowSends":1,"AfterWindowSends":0,"OutboundCount":1,"Tags":["VIP","lead"],"Fields":{"Email":"a@example.com"},"Assignee":"ana","Reported":false,"Closed":false,"ContactName":"Ana","StretchStart":"2026-12-03T10:00:00.123+00:00","FlowsFired":{"a":"2026-12-03T10:00:00.123+00:00"}}""";

        var state = StoreJson.DeserializeState(row, 3);

        Assert.Equal(row, StoreJson.SerializeState(state));
        Assert.Contains("vip", state.Tags);
        Assert.Equal("a@example.com", state.Fields["EMAIL"]);
    }

    /// <summary>States the transitions make: new, written to, answered, tagged, assigned, fired, closed, reported, with contact fields.</summary>
    private static List<ConversationState> States()
    {
        var profile = PolicyProfile.TikTok;
        var first = ConversationState.New("c-1", "u-1").RecordInbound(At, profile);
        var answered = first.RecordSend(At.AddMinutes(1), afterWindow: false).RecordInbound(At.AddMinutes(5), profile);
        var full = answered.WithTag("VIP").WithTag("lead").WithTag("Été").WithTag("a\"b<c>&'\\")
            .WithField("Email", "a@example.com").WithField("b", "ünï ✓ 😀").WithField("A", "").WithField("x<y", "\u0001\n")
            .AssignTo("ana", "sales").RecordFired("welcome", At).RecordFired("Zeta", At.AddSeconds(1)).RecordFired("alpha", At.AddDays(-1))
            .WithContact("u-1", "Ana", "SG", "en").BeginStretch(At.AddMinutes(5));
        return
        [
            ConversationState.New("c-0"),
            first,
            answered,
            full,
            full with { Version = 42 },
            full.RecordLeadSubmission(At.AddHours(30), profile).RecordSend(At.AddHours(31), afterWindow: true),
            full.MarkClosed().MarkReported().Unassigned().WithoutTag("VIP"),
            full with { WindowOpener = WindowOpener.Lead, LastOutboundAt = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5.5)) },
            full with { Tags = null!, Fields = null! },
            ConversationState.New("c-2") with { Fields = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase).Add("k", null!) },
            ConversationState.New("c-3") with { InboundCount = int.MaxValue, Version = long.MinValue, WindowSends = -1 },
        ];
    }

    private static ConversationState RandomState(string[] texts, string[] names, int count, long ticks, bool flag)
    {
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(count % 14)).AddTicks(ticks % (TimeSpan.TicksPerDay * 3650));
        var tags = ImmutableHashSet.CreateRange(StringComparer.OrdinalIgnoreCase, texts.Where(t => t is not null));
        var fields = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names.Where(n => n is not null))
            fields = fields.SetItem(name, texts.Length > 0 ? texts[name.Length % texts.Length] : name);
        var fired = FlowFiringDictionary.Create(names.Where(n => n is not null).Distinct(StringComparer.Ordinal).Select(n => KeyValuePair.Create(n, time)));
        var text = texts.FirstOrDefault(t => t is not null);
        return ConversationState.New(text is { Length: > 0 } ? text : "c", flag ? text : null) with
        {
            Version = ticks,
            InboundCount = count,
            FirstInboundAt = flag ? time : null,
            LastInboundAt = time,
            LastLeadAt = flag ? null : time,
            CustomerReplied = flag,
            BusinessReplied = !flag,
            WindowOpener = (WindowOpener)(Math.Abs(count % 4)),
            WindowStart = time,
            WindowEnd = flag ? time.AddDays(1) : null,
            WindowSends = count / 3,
            AfterWindowSends = -count,
            OutboundCount = count % 7,
            LastOutboundAt = flag ? time : null,
            Tags = tags,
            Fields = fields,
            Assignee = flag ? null : text,
            Team = names.FirstOrDefault(n => n is not null),
            Reported = flag,
            Closed = !flag,
            ContactName = text,
            ContactCountry = flag ? "SG" : null,
            ContactLanguage = names.LastOrDefault(n => n is not null),
            StretchStart = flag ? null : time,
            FlowsFired = fired,
        };
    }
}
