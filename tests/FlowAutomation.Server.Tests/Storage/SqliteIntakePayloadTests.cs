using System.Text;
using Dapper;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The payload a customer's event is stored with: bound as UTF-8 bytes by <see cref="SqliteIntake"/> (twentieth pass),
/// the same bytes and type as the string <see cref="InboxIntake.TakeAsync"/> still binds (the old path, via Dapper).
/// </summary>
public sealed class SqliteIntakePayloadTests
{
    [Theory]
    [InlineData("How much is it?")]
    [InlineData("Grüße aus Köln 👋 \"quoted\" <b>&amp;</b> \\ \u0001 \u2028 日本語")]
    public async Task TakeAsync_CustomerEvent_PayloadSameBytesAndTypeAsTheStringBinding(string text)
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        var parsed = new InfobipWebhookParser(host.Time).ParseInbound(Encoding.UTF8.GetBytes(Payloads.InfobipMessage("m-1", "conv-1", "user-1", text)));
        var envelope = Assert.IsType<InboundEnvelope>(Assert.Single(parsed.Records));
        var database = host.App.Services.GetRequiredService<SqliteDatabase>();

        await database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteIntake.TakeAsync(connection, transaction, envelope with { DedupKey = "new-path" }, host.Time.GetUtcNow());
            return await InboxIntake.TakeAsync(connection, transaction, envelope with { DedupKey = "old-path" }, host.Time.GetUtcNow());
        });

        await using var reader = await database.OpenAsync();
        var rows = (await reader.QueryAsync<(string Key, string Type, byte[] Bytes)>(
            "SELECT dedup_key, typeof(payload), CAST(payload AS BLOB) FROM inbox ORDER BY dedup_key")).ToList();
        Assert.Equal(["new-path", "old-path"], rows.Select(r => r.Key));
        Assert.Equal(("text", "text"), (rows[0].Type, rows[1].Type));
        Assert.Equal(rows[1].Bytes, rows[0].Bytes);
        Assert.True(rows[0].Bytes.AsSpan().IndexOf("\"m-1\""u8) >= 0, "the payload is the event's");
    }
}
