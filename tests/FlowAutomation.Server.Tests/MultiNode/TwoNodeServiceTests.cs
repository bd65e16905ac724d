using Dapper;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Tests.Support;
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

        await WaitForAsync(async connection =>
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0, "every inbox row to be run");

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
