using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Server.Tests.MultiNode;

/// <summary>
/// Two in-process nodes of the service on one PostgreSQL database, webhooks spread over both: every event runs once,
/// and each conversation's replies come in the order its messages were taken, whichever node took them.
/// </summary>
public sealed class TwoNodeServiceTests : IAsyncLifetime
{
    private const string EchoFlow = """
        flow: echo
        on: message.received
        then:
          - reply: { text: "you said: {{ message.text }}" }
        """;

    private const int Conversations = 24;
    private const int MessagesEach = 3;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    private readonly List<TestServerHost> _nodes = [];
    private TempPostgresDatabase _database = null!;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _database = await TempPostgresDatabase.CreateAsync();
        for (var i = 0; i < 2; i++)
        {
            var node = await TestServerHost.StartAsync(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Postgres",
                ["Storage:Database"] = _database.ConnectionString,
                ["FollowUps:Fire"] = "false",
            }, realInbox: true, flows: new Dictionary<string, string> { ["echo.yaml"] = EchoFlow });
            node.App.Services.GetRequiredService<IInboxProcessing>().Finished += _ => Progress();
            _nodes.Add(node);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Webhooks_SpreadOverTwoNodes_EveryEventRunsOnceAndEachConversationsRepliesAreInOrder()
    {
        // Each conversation's messages are sent one after another (each acknowledged before the next), alternating nodes;
        // the conversations go at once.
        await Task.WhenAll(Enumerable.Range(0, Conversations).Select(c => Task.Run(async () =>
        {
            for (var m = 0; m < MessagesEach; m++)
            {
                var body = Payloads.InfobipMessage($"msg-{c}-{m}", $"conv-{c}", $"user-{c}", $"m{m}");
                using var response = await _nodes[(c + m) % 2].PostInfobipAsync("/webhooks/infobip/tiktok", body);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }
        })));

        await WaitForRunAsync(Conversations * MessagesEach, "every inbox row to be run");

        await using var connection = await _database.Database.OpenAsync();
        Assert.Equal(Conversations * MessagesEach, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'"));
        // One audit record per event run: an event run twice would leave two.
        var events = (await connection.QueryAsync<(string Conversation, long Count)>(
            "SELECT conversation_id, COUNT(*) FROM audit WHERE kind = 'event' GROUP BY conversation_id")).ToDictionary(r => r.Conversation, r => r.Count);
        Assert.Equal(Conversations, events.Count);
        Assert.All(events.Values, count => Assert.Equal(MessagesEach, count));
        var replies = (await connection.QueryAsync<(string Conversation, string Text)>(
            "SELECT conversation_id, text FROM outbox ORDER BY seq")).ToLookup(r => r.Conversation, r => r.Text);
        for (var c = 0; c < Conversations; c++)
            Assert.Equal(Enumerable.Range(0, MessagesEach).Select(m => $"you said: m{m}"), replies[$"conv-{c}"]);
        var ran = _nodes.Select(n => n.App.Services.GetRequiredService<IInboxProcessing>().Processed).ToList();
        Assert.Equal(Conversations * MessagesEach, ran.Sum());
        Assert.All(ran, count => Assert.True(count > 0, "both nodes ran events"));
    }

    [Fact]
    public async Task StatusProgress_TwoNodes_EachCountsItsOwnEventsAndBothTheSharedOutbox()
    {
        for (var c = 0; c < 6; c++)
        {
            using var response = await _nodes[c % 2].PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage($"msg-{c}", $"conv-{c}", $"user-{c}", "hi"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await WaitForRunAsync(6, "every inbox row to be run");
        await using var connection = await _database.Database.OpenAsync();
        // Every reply pending until far ahead: no dispatcher claims one (an outcome of a send in flight finds its row
        // no longer in flight and changes nothing), so the six stay queued while the progress is read.
        await connection.ExecuteAsync("UPDATE outbox SET status = 'Pending', next_attempt_at = 9000000000000");

        var progress = new List<JsonElement>();
        foreach (var node in _nodes)
        {
            using var response = await node.GetAdminAsync("/api/status/progress");
            progress.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        var ran = _nodes.Select(n => n.App.Services.GetRequiredService<IInboxProcessing>().Processed).ToList();
        Assert.Equal(ran, progress.Select(p => p.GetProperty("processedSinceStart").GetInt64()));
        Assert.Equal(6, ran.Sum());
        Assert.All(progress, p => Assert.Equal(6, p.GetProperty("outboxQueued").GetInt64()));
    }

    [Fact]
    public async Task PendingRow_TakenByANodeThatDiedBeforeRunningIt_RunsOnAnotherNodeAtItsPoll()
    {
        // The dead node: its intake took the webhook (the provider got its 200), its processor never ran it.
        var services = _nodes[0].App.Services;
        await using var dead = new PostgresDatabase(_database.ConnectionString);
        using var deadProcessor = ActivatorUtilities.CreateInstance<PostgresInboxProcessor>(services, dead);
        var deadInbox = ActivatorUtilities.CreateInstance<PostgresInbox>(services, dead, deadProcessor);
        var records = services.GetRequiredService<InfobipWebhookParser>()
            .ParseInbound(Encoding.UTF8.GetBytes(Payloads.InfobipMessage("msg-dead", "conv-dead", "user-dead", "left behind"))).Records;
        Assert.Equal(1, (await deadInbox.AcceptAsync(records)).Accepted);

        foreach (var node in _nodes)
            node.Time.Advance(TimeSpan.FromSeconds(5)); // Inbox:TakeOverAfter (the poll runs every Inbox:PollInterval, 1 s)
        await WaitForRunAsync(1, "a live node to run the row");

        await using var check = await _database.Database.OpenAsync();
        Assert.Equal("you said: left behind", await check.ExecuteScalarAsync<string>("SELECT text FROM outbox WHERE conversation_id = 'conv-dead'"));
        Assert.Equal(1, _nodes.Sum(n => n.App.Services.GetRequiredService<IInboxProcessing>().Processed));
    }

    [Fact]
    public async Task Conversation_HeldByAnotherNode_WaitsForItThenRunsInOrder()
    {
        // Another node is running conv-held: it holds the conversation's advisory lock.
        await using var other = await _database.Database.OpenAsync();
        await using var running = await other.BeginTransactionAsync();
        await PostgresInboxTable.LockAsync(other, running, "conv-held", CancellationToken.None);

        using (var first = await _nodes[0].PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage("msg-h0", "conv-held", "user-h", "first")))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await _nodes[1].PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage("msg-h1", "conv-held", "user-h", "second")))
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await using (var look = await _database.Database.OpenAsync())
            Assert.Equal(2, await look.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'"));

        await running.RollbackAsync(); // the other node is done with it
        await WaitForAsync(async connection =>
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0, "the held conversation's rows to run");

        await using var check = await _database.Database.OpenAsync();
        Assert.Equal(["you said: first", "you said: second"], await check.QueryAsync<string>("SELECT text FROM outbox WHERE conversation_id = 'conv-held' ORDER BY seq"));
    }

    [Fact]
    public async Task Readyz_OnPostgres_NamesTheProvider()
    {
        using var response = await _nodes[1].Client.GetAsync("/readyz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("postgres", body.GetProperty("checks").GetProperty("storage").GetProperty("description").GetString());
    }

    /// <summary>
    /// The Hangfire dashboard reads Hangfire.PostgreSql's monitoring API (on the project's Npgsql, not the one that
    /// package asks for): a follow-up scheduled on one node shows on the other node's dashboard, with its due time's
    /// job, behind the admin key.
    /// </summary>
    [Fact]
    public async Task Dashboard_OnPostgres_ShowsAFollowUpScheduledOnTheOtherNode()
    {
        var scheduler = _nodes[0].App.Services.GetRequiredService<FlowAutomation.Scheduling.IFollowUpScheduler>();
        var now = _nodes[0].Time.GetUtcNow();
        // Due within the hand-over horizon (FollowUps:HandOverHorizon, 10 min): a follow-up due later has no Hangfire job yet.
        var job = new FlowAutomation.Scheduling.FollowUpJob("conv-dash", "user-dash", "nudge", "nudge#dash", now, now.AddMinutes(5),
            FlowAutomation.Model.FlowEvent.TextReceived(now, "hi"));
        await scheduler.ScheduleAsync(job, CancellationToken.None);
        await using var connection = await _database.Database.OpenAsync();
        var hangfireJobId = await connection.QuerySingleAsync<string>("SELECT hangfire_job_id FROM follow_ups WHERE id = @id", new { id = job.Id });

        using var overview = await _nodes[1].GetAdminAsync("/hangfire");
        using var scheduled = await _nodes[1].GetAdminAsync("/hangfire/jobs/scheduled");
        using var detail = await _nodes[1].GetAdminAsync("/hangfire/jobs/details/" + hangfireJobId);
        using var refused = await _nodes[1].Client.GetAsync("/hangfire/jobs/scheduled");

        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Contains("FlowAutomation follow-ups", await overview.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        Assert.Contains("/jobs/details/" + hangfireJobId, await scheduled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Contains(job.Id, await detail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    /// <summary>
    /// Waits until no inbox row is pending and the nodes have counted <paramref name="events"/> events run. A row is done
    /// in the database once its commit is, and its node counts it (<c>Processed</c>, then <c>Finished</c>) only after
    /// that commit has returned: read as soon as the rows were done, the counters could still miss the last event.
    /// </summary>
    private Task WaitForRunAsync(long events, string what) =>
        WaitForAsync(async connection =>
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0
            && _nodes.Sum(n => n.App.Services.GetRequiredService<IInboxProcessing>().Processed) >= events, what);

    private async Task WaitForAsync(Func<Npgsql.NpgsqlConnection, Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Guard);
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            await using (var connection = await _database.Database.OpenAsync())
            {
                if (await condition(connection))
                    return;
            }
            try
            {
                await progress.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {Guard.TotalSeconds} s for {what}");
            }
        }
    }

    private void Progress() =>
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
