using System.Net;
using System.Text.Json;
using Dapper;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// How the SQLite inbox takes webhook records (issue 9, item 2): a redelivery is a duplicate whatever its age (its
/// dedup key may have been purged long ago), one record that cannot be stored never fails the others, and no answer
/// shows the database's own words.
/// </summary>
public sealed class InboxTakingTests
{
    private const string Path = "/webhooks/infobip/tiktok";

    private static string Batch(params string[] messageIds) =>
        JsonSerializer.Serialize(new
        {
            results = messageIds.Select(id => new
            {
                sender = "user-1", to = "biz-1", receivedAt = "2025-06-02T08:59:30.000+0000", messageId = id,
                message = new { type = "TEXT", conversationId = "conv-1", text = $"message {id}" },
            }),
        });

    [Fact]
    public async Task Redelivery_AfterItsDedupKeyWasPurged_200Duplicate()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        var first = await PostAsync(host, Payloads.InfobipText);
        await ExecuteAsync(host, "DELETE FROM inbound_dedup"); // what the hourly purge does after Storage:DedupRetention

        var again = await PostAsync(host, Payloads.InfobipText);

        Assert.Equal((HttpStatusCode.OK, 1, 0), first);
        Assert.Equal((HttpStatusCode.OK, 0, 1), again);
        Assert.Equal(1, await CountAsync(host, "SELECT COUNT(*) FROM inbox WHERE dedup_key = 'infobip:inbound:ib-msg-1'"));
    }

    [Fact]
    public async Task Redelivery_PurgedByTheDedupStore_200Duplicate()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        await PostAsync(host, Payloads.InfobipText);
        var purged = await host.App.Services.GetRequiredService<IDedupStore>().PurgeAsync(host.Time.GetUtcNow().AddDays(8));

        var again = await PostAsync(host, Payloads.InfobipText);

        Assert.Equal(1, purged);
        Assert.Equal((HttpStatusCode.OK, 0, 1), again);
    }

    [Fact]
    public async Task Batch_PurgedRedeliveryAndANewMessage_NewMessageTakenOtherADuplicate()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        await PostAsync(host, Batch("old"));
        await ExecuteAsync(host, "DELETE FROM inbound_dedup");

        var mixed = await PostAsync(host, Batch("old", "new"));

        Assert.Equal((HttpStatusCode.OK, 1, 1), mixed);
        Assert.Equal(1, await CountAsync(host, "SELECT COUNT(*) FROM inbox WHERE dedup_key = 'infobip:inbound:new'"));
    }

    [Fact]
    public async Task Batch_OneRecordCannotBeStored_OthersTaken503WithoutDatabaseWords_RetryTakesTheRest()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        await PoisonAsync(host, "infobip:inbound:poison");

        using var refused = await host.PostInfobipAsync(Path, Batch("good-1", "poison", "good-2"));
        var reason = await ErrorAsync(refused);
        await ExecuteAsync(host, "DROP TRIGGER poison");
        var retry = await PostAsync(host, Batch("good-1", "poison", "good-2"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("could not take 1 of 3 records now; retry later (the records taken count as duplicates then)", reason);
        Assert.Equal((HttpStatusCode.OK, 1, 2), retry);
        Assert.Equal(3, await CountAsync(host, "SELECT COUNT(*) FROM inbox"));
    }

    [Fact]
    public async Task Store_RefusesEveryWrite_503WithAGenericReason()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        await PoisonAsync(host, null);

        using var refused = await host.PostInfobipAsync(Path, Payloads.InfobipText);
        var reason = await ErrorAsync(refused);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("could not take 1 of 1 records now; retry later (the records taken count as duplicates then)", reason);
        Assert.DoesNotContain("SQLite", reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("poisoned", reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Store_CommitFails_503WithAGenericReasonAndNothingTaken()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        // A deferred foreign key is checked at COMMIT only: every statement succeeds, the commit fails.
        await using (var writer = await host.App.Services.GetRequiredService<SqliteDatabase>().AcquireWriterAsync())
            await writer.Connection.ExecuteAsync("PRAGMA foreign_keys = ON"); // the writer connection's setting, outside any transaction
        await ExecuteAsync(host, """
            CREATE TABLE commit_guard (key TEXT REFERENCES nowhere (key) DEFERRABLE INITIALLY DEFERRED);
            CREATE TABLE nowhere (key TEXT PRIMARY KEY);
            CREATE TRIGGER fail_commit AFTER INSERT ON inbox BEGIN INSERT INTO commit_guard VALUES ('x'); END;
            """);

        using var refused = await host.PostInfobipAsync(Path, Payloads.InfobipText);
        var reason = await ErrorAsync(refused);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("could not take the records now; retry later", reason);
        Assert.Equal(0, await CountAsync(host, "SELECT COUNT(*) FROM inbox"));
    }

    [Fact]
    public async Task GroupCommit_OneRequestsRecordCannotBeStored_OtherRequestsInTheBatchTaken()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        await PoisonAsync(host, "infobip:inbound:poison");
        var inbox = host.App.Services.GetRequiredService<SqliteInbox>();
        var parser = new InfobipWebhookParser(host.Time);
        var requests = Enumerable.Range(0, 21).Select(i => parser.ParseInbound(System.Text.Encoding.UTF8.GetBytes(Batch(i == 10 ? "poison" : $"m-{i}"))).Records).ToList();

        // While the writer is held, every request queues; they are then written in at most two group commits, and the
        // poisoned request shares its commit with others either way.
        Task<InboundAcceptance>[] taken;
        await using (await host.App.Services.GetRequiredService<SqliteDatabase>().AcquireWriterAsync())
            taken = [.. requests.Select(records => inbox.AcceptAsync(records).AsTask())];
        await Task.WhenAll(taken.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.All(taken.Where((_, i) => i != 10), t => Assert.Equal(new InboundAcceptance(1, 0), t.Result));
        Assert.True(taken[10].IsFaulted);
        Assert.Equal(20, await CountAsync(host, "SELECT COUNT(*) FROM inbox"));
    }

    /// <summary>Makes inserting the inbox row of <paramref name="dedupKey"/> (every row when null) fail, as a broken record or store would.</summary>
    private static Task PoisonAsync(TestServerHost host, string? dedupKey) =>
        ExecuteAsync(host, $"CREATE TRIGGER poison BEFORE INSERT ON inbox {(dedupKey is null ? "" : $"WHEN NEW.dedup_key = '{dedupKey}'")} BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");

    private static async Task<(HttpStatusCode Status, int Accepted, int Duplicates)> PostAsync(TestServerHost host, string body)
    {
        using var response = await host.PostInfobipAsync(Path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            return (response.StatusCode, -1, -1);
        var json = JsonDocument.Parse(text).RootElement;
        return (response.StatusCode, json.GetProperty("accepted").GetInt32(), json.GetProperty("duplicates").GetInt32());
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.GetProperty("error").GetString();
    }

    private static async Task ExecuteAsync(TestServerHost host, string sql)
    {
        var database = host.App.Services.GetRequiredService<SqliteDatabase>();
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, transaction: transaction));
    }

    private static async Task<long> CountAsync(TestServerHost host, string sql)
    {
        await using var connection = await host.App.Services.GetRequiredService<SqliteDatabase>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
