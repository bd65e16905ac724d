using System.Text;
using System.Text.Json;
using Dapper;
using FlowAutomation.Runtime;
using FlowAutomation.Scenarios;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The audit record's hand-written JSON against the serializer's: the same bytes for every record kind and every
/// record the samples' scenarios produce, the same members as the serializer's contract, and rows written by the
/// serializer (before this writer) read back as before.
/// </summary>
public sealed class AuditRecordJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, 123, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = new(2026, 12, 5, 9, 30, 15, TimeSpan.FromHours(2));

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, Records().Count)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Serialize_EachRecord_SameBytesAsTheSerializer(int index)
    {
        var record = Records()[index];

        var written = AuditRecordJson.TryWrite(record);

        Assert.NotNull(written);
        Assert.Equal(AuditRecordJson.SerializeReflected(record), written);
        Assert.Equal(written, AuditRecordJson.Serialize(record));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryWriteUtf8_EachRecord_TheSerializersTextAsUtf8(int index)
    {
        var record = Records()[index];

        Assert.True(AuditRecordJson.TryWriteUtf8(record, out var utf8));

        Assert.Equal(Encoding.UTF8.GetBytes(AuditRecordJson.SerializeReflected(record)), utf8.ToArray());
    }

    [Fact]
    public void TryWriteUtf8_LoneSurrogateInAText_TheSerializersTextAsUtf8()
    {
        var record = new EventTrace(At, "message", "broken \ud800 pair and \udc00 alone", 0);

        Assert.True(AuditRecordJson.TryWriteUtf8(record, out var utf8));

        Assert.Equal(Encoding.UTF8.GetBytes(AuditRecordJson.SerializeReflected(record)), utf8.ToArray());
        Assert.Equal(AuditRecordJson.SerializeReflected(record), Encoding.UTF8.GetString(utf8)); // valid UTF-8: decodes to the same text
    }

    [Fact]
    public async Task AppendAsync_EveryRecord_StoredAsTheSerializersTextByteForByte()
    {
        using var temp = new TempDatabase();
        await using var database = await temp.MigratedAsync();
        var records = Records();

        await database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteAuditLog.AppendAsync(connection, transaction, "c-1", records, CancellationToken.None);
            return records.Count;
        });

        await using var connection = await database.OpenAsync();
        var stored = (await connection.QueryAsync<(string Type, byte[] Bytes)>("SELECT typeof(record), CAST(record AS BLOB) FROM audit ORDER BY seq")).ToList();
        Assert.Equal(records.Select(r => ("text", Encoding.UTF8.GetBytes(AuditRecordJson.SerializeReflected(r)))), stored);
    }

    [Fact]
    public async Task Serialize_EveryRecordOfTheSampleScenarios_SameBytesAsTheSerializer()
    {
        var scenarios = Directory.GetFiles(Path.Combine(ServiceProcess.RepoRoot, "samples"), "*.scenario.yaml", SearchOption.AllDirectories);
        var compared = 0;
        foreach (var path in scenarios)
        {
            var result = await ScenarioRunner.RunFileAsync(path);
            foreach (var record in result.Run?.Trace ?? [])
            {
                Assert.Equal(AuditRecordJson.SerializeReflected(record), AuditRecordJson.Serialize(record));
                compared++;
            }
        }

        Assert.True(compared > 100, $"only {compared} records compared");
    }

    [Theory]
    [InlineData(typeof(EventTrace))]
    [InlineData(typeof(RuleTrace))]
    [InlineData(typeof(ActionTrace))]
    [InlineData(typeof(SummaryTrace))]
    public void Serialize_EachKind_WritesTheSerializersMembersInItsOrder(Type type)
    {
        var record = Records().First(r => r.GetType() == type);
        var contract = AuditRecordJson.SerializerOptions.GetTypeInfo(type).Properties.Where(p => p.Get is not null).Select(p => p.Name);

        using var written = JsonDocument.Parse(AuditRecordJson.TryWrite(record)!);

        Assert.Equal(contract, written.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void TryWrite_RuleWithDefaultConditions_LeavesItToTheSerializer()
    {
        var record = new RuleTrace(At, "welcome", "message", false, "no", default);

        Assert.Null(AuditRecordJson.TryWrite(record));
    }

    /// <summary>Rows as the serializer wrote them before this writer (taken from its output), read and written again.</summary>
    [Theory]
    [InlineData("event", """{"type":"message","description":"Customer said \"hi\" <é>","depth":0,"kind":"event","providerAt":"2026-12-03T09:59:59.123+00:00","receivedAt":"2026-12-03T10:00:00.123+00:00","window":{"opensAt":"2026-12-03T10:00:00.123+00:00","closesAt":"2026-12-05T10:00:00.123+00:00","open":true,"used":1,"allowed":10,"left":9},"at":"2026-12-03T10:00:00.123+00:00"}""")]
    [InlineData("rule", """{"flow":"welcome","eventType":"message","fired":false,"whyNot":"nope","kind":"rule","conditions":[{"path":"message.text","operator":"contains","expected":"hi","actual":"yo","result":false,"depth":1,"note":"n"}],"at":"2026-12-03T10:00:00.123+00:00"}""")]
    [InlineData("action", """{"flow":"welcome","action":"reply","status":"Sent","reason":null,"message":"Hello","detail":"sent text","kind":"action","node":"then/0","content":"text","window":{"opensAt":"2026-12-03T10:00:00.123+00:00","closesAt":"2026-12-05T10:00:00.123+00:00","open":true,"used":1,"allowed":null,"left":null},"statusName":"sent","at":"2026-12-03T10:00:00.123+00:00"}""")]
    [InlineData("summary", """{"events":1,"flowsFired":["welcome"],"sent":1,"blocked":0,"followUpsPending":0,"kind":"summary","at":"2026-12-03T10:00:00.123+00:00"}""")]
    public void Deserialize_RowTheSerializerWrote_WrittenAgainToTheSameBytes(string kind, string stored)
    {
        var record = AuditRecordJson.Deserialize(kind, stored);

        Assert.NotNull(record);
        Assert.Equal(stored, AuditRecordJson.Serialize(record));
    }

    private static IReadOnlyList<TraceRecord> Records()
    {
        var window = new TraceWindow(At, Later, true, 3, 10);
        var unlimited = new TraceWindow(At, Later, false, 12, null);
        List<TraceRecord> records =
        [
            new EventTrace(At, "message", "Customer said \"hi\" <b>é</b> & 😀 \u0001", 0) { ProviderAt = At.AddSeconds(-1), ReceivedAt = At, Window = window },
            new EventTrace(Later, "tag:vip", "raised by a flow", 2),
            new EventTrace(At, "follow_up", "due", 1) { Window = unlimited },
            new RuleTrace(At, "welcome", "message", false, "message.text does not contain \"price\"",
                [new ConditionLine("message.text", "contains", "price", "what's the cost?", false, 0) { Note = "'about two grand' is not a number" },
                 new ConditionLine("contact.tags", "includes", "vip", "[]", true, 1)]),
            new RuleTrace(At, "order-status", "message", true, null, []),
            new SummaryTrace(At, 3, ["welcome", "vip-routing"], 2, 1, 0),
            new SummaryTrace(Later, 0, [], 0, 0, 4),
        ];
        foreach (var status in Enum.GetValues<ActionStatus>())
            records.Add(new ActionTrace(At, "welcome", "reply", status, status == ActionStatus.Blocked ? "window_closed" : null, "Hello — <there>", "sent text \t\n") { Node = "then/0", Content = "text", Window = window });
        records.Add(new ActionTrace(Later, "vip-routing", "tag", ActionStatus.Done, null, null, "tagged vip"));
        return records;
    }
}
