using Dapper;
using FlowAutomation.Server.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace FlowAutomation.Server.Tests.ChildProcess;

/// <summary>
/// Two <c>flowctl serve</c> child processes on one PostgreSQL database (<c>--Storage:Provider=Postgres</c>), one fake
/// provider: a customer's messages reach either node, interleaved with other customers'; one node is SIGKILLed in
/// the middle of the run — with sends of its own accepted by the provider and not yet marked sent — and started
/// again. Every event runs once, in order; each customer gets what one node would have sent, in that order; every
/// follow-up fires once; and the only messages sent twice are those in flight at the kill (counted in the output).
/// </summary>
public sealed class TwoNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);
    private const int Conversations = 40;
    private const int Messages = 4;
    private const string Secret = "nodes-secret";
    private const string AdminKey = "nodes-admin";

    // A reply to every message; a follow-up 4 s after a conversation's first message that only tags (due while a
    // node is down or just back), and a nudge 3 s after the last one ("bye"), so that one node's order is known.
    private const string Flows = """
        flow: echo
        on: message.received
        then:
          - reply: "re: {{ message.text }}"
        ---
        flow: first-touch
        on: message.received
        once_per: conversation
        then:
          - follow_up:
              after: 4s
              then:
                - tag: touched
        ---
        flow: goodbye
        on: message.received
        when:
          message.text: { contains: bye }
        then:
          - follow_up:
              after: 3s
              then:
                - reply: "nudge"
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("two-nodes-").FullName;
    private readonly WebhookSender _webhooks = new(Secret, AdminKey);
    private TempPostgresDatabase _database = null!;
    private RecordingProvider _provider = null!;
    private ChildNode _a = null!;
    private ChildNode _b = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "flows"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "flows", "flows.yaml"), Flows);
        _database = await TempPostgresDatabase.CreateAsync();
        _provider = await RecordingProvider.StartAsync();
        _a = new ChildNode("node-a", _folder, Settings("node-a"), Guard);
        _b = new ChildNode("node-b", _folder, Settings("node-b"), Guard);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _provider.DisposeAsync();
        await _database.DisposeAsync();
        _webhooks.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A node's settings; its Infobip key and its connections' application name name it (the provider and the server know which node did what).</summary>
    private List<string> Settings(string node) =>
    [
        "--flows", Path.Combine(_folder, "flows"),
        "--Storage:Provider=Postgres",
        "--db", new NpgsqlConnectionStringBuilder(_database.ConnectionString) { ApplicationName = node }.ConnectionString,
        $"--Infobip:BaseUrl={_provider.BaseUrl}",
        $"--Infobip:ApiKey={node}",
        "--Infobip:Sender=biz-1",
        $"--Webhooks:Infobip:Secret={Secret}",
        $"--Admin:ApiKey={AdminKey}",
        // a held send must stay claimed by its node (and unanswered within its timeout) until the test answers it
        "--Outbox:Lease=00:00:30",
        "--Infobip:Timeout=00:00:25",
        "--Outbox:PollInterval=00:00:00.200",
        "--Outbox:BaseDelay=00:00:00.200",
        "--Flows:Watch=false",
    ];

    [Fact]
    public async Task TwoNodesOnePostgres_OneKilledMidRunAndRestarted_EachEventOnceEachConversationInOrderOnlyInFlightSentTwice()
    {
        await _a.StartAsync();
        await _b.StartAsync();
        await PostRoundAsync(1);

        // Node B's sends are held from now on; once one is, the test locks those outbox rows, so B's mark waits on
        // the lock, and the provider accepts them (200, written): B has sent them and cannot mark them. Then SIGKILL.
        _provider.Hold = key => key == _b.Name;
        await PostRoundAsync(2);
        await Waits.UntilAsync(() => _provider.Held.Any(s => s.Key == _b.Name), () => _provider.Changed, Guard,
            () => $"a send of node-b held at the provider; the nodes said:{Environment.NewLine}{_a.Output}{Environment.NewLine}{_b.Output}");
        IReadOnlyList<ProviderSend> answered;
        IReadOnlyList<ProviderSend> inFlight;
        await using (var rows = await OpenAsync())
        await using (var transaction = await rows.BeginTransactionAsync())
        {
            var held = _provider.Held.Where(s => s.Key == _b.Name).Select(s => s.MessageId).ToArray();
            await rows.ExecuteAsync("SET LOCAL lock_timeout = '10s'", transaction: transaction);
            var locked = (await rows.QueryAsync<string>("SELECT id FROM outbox WHERE id = ANY(@held) AND status = 'InFlight' FOR UPDATE", new { held }, transaction)).ToHashSet(StringComparer.Ordinal);
            answered = await _provider.AnswerHeldAsync(s => locked.Contains(s.MessageId));
            if (answered.Count == 0)
            {
                var states = await rows.QueryAsync<string>("SELECT id || ' ' || status || ' attempts ' || attempts || ' claimed_until ' || COALESCE(claimed_until::text, '-') FROM outbox WHERE id = ANY(@held)", new { held }, transaction);
                Assert.Fail($"none of node-b's held sends [{string.Join(", ", held)}] was in flight: {string.Join("; ", states)}; now {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
            }
            await _b.KillAsync();
            // A killed process's connections end with it, but a server backend waiting on the test's lock would notice
            // only once the lock is free, and then run the dead node's mark: end them now, as the server would.
            await rows.ExecuteAsync("SELECT pg_terminate_backend(pid, 30000) FROM pg_stat_activity WHERE application_name = @name", new { name = _b.Name }, transaction);
            // In flight at the kill: what the provider accepted from node B that the outbox does not have as sent.
            var fromB = _provider.Accepted.Where(s => s.Key == _b.Name).ToList();
            var ids = fromB.Select(s => s.MessageId).ToArray();
            var unmarked = (await rows.QueryAsync<string>("SELECT id FROM outbox WHERE id = ANY(@ids) AND status = 'InFlight'", new { ids }, transaction)).ToHashSet(StringComparer.Ordinal);
            inFlight = [.. fromB.Where(s => unmarked.Contains(s.MessageId))];
            await transaction.RollbackAsync();
        }
        _provider.Hold = _ => false;

        // Node A alone takes the next round; B comes back for the last.
        await PostRoundAsync(3);
        await _b.StartAsync();
        await PostRoundAsync(4);

        var expected = Enumerable.Range(0, Conversations).ToDictionary(c => User(c), IReadOnlyList<string> (c) => [.. Enumerable.Range(1, Messages).Select(m => "re: " + Text(c, m)), "nudge"]);
        await Waits.UntilAsync(() => Deliveries.Of(_provider.Accepted).Mismatches(expected).Count == 0, () => _provider.Changed, Guard,
            () => $"every conversation's messages; missing:{Environment.NewLine}{string.Join(Environment.NewLine, Deliveries.Of(_provider.Accepted).Mismatches(expected))}{Environment.NewLine}{_a.Output}{Environment.NewLine}{_b.Output}");
        await Waits.SettledAsync(async token =>
        {
            await using var connection = await OpenAsync();
            var (inbox, outbox, followUps) = await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition("""
                SELECT (SELECT COUNT(*) FROM inbox WHERE status = 'pending'),
                       (SELECT COUNT(*) FROM outbox WHERE status IN ('Pending', 'InFlight')),
                       (SELECT COUNT(*) FROM follow_ups WHERE status = 'scheduled')
                """, cancellationToken: token));
            var busy = inbox + outbox + followUps;
            return (busy == 0, $"{busy} rows pending (inbox {inbox}, outbox {outbox}, follow-ups {followUps}); {await PendingRowsAsync(connection, token)}");
        }, () => _provider.Changed, Guard, "the nodes");

        var deliveries = Deliveries.Of(_provider.Accepted);
        output.WriteLine(deliveries.Report($"two nodes, {_b.Name} killed", inFlight, _provider.CutOff));
        output.WriteLine($"  of those, accepted while the test held their rows' lock: {answered.Count}");
        Assert.Empty(deliveries.Mismatches(expected));
        Assert.Subset(inFlight.Select(s => s.MessageId).ToHashSet(StringComparer.Ordinal), answered.Select(s => s.MessageId).ToHashSet(StringComparer.Ordinal));
        Assert.Equal(inFlight.Select(s => s.MessageId).Order(StringComparer.Ordinal), deliveries.Doubles.Select(s => s.MessageId).Order(StringComparer.Ordinal));
        Assert.All(deliveries.Doubles, d => Assert.Equal(2, _provider.Accepted.Count(s => s.MessageId == d.MessageId)));
        await AssertEachEventAndFollowUpOnceAsync();
    }

    /// <summary>
    /// The database after the run: every inbound event done once, and run once, in the order posted (one
    /// <c>message.received</c> audit record each); every follow-up (two per conversation) fired, each once.
    /// </summary>
    private async Task AssertEachEventAndFollowUpOnceAsync()
    {
        await using var connection = await OpenAsync();
        var inbox = (await connection.QueryAsync<(string Status, long Count)>("SELECT status, COUNT(*) FROM inbox GROUP BY status")).ToList();
        Assert.Equal(new[] { ("done", (long)(Conversations * Messages)) }, inbox);

        var events = (await connection.QueryAsync<(string Conversation, string Detail)>(
            "SELECT conversation_id, detail FROM audit WHERE kind = 'event' AND name = 'message.received' ORDER BY seq")).ToList();
        Assert.Equal(Conversations * Messages, events.Count);
        for (var c = 0; c < Conversations; c++)
        {
            var run = events.Where(e => e.Conversation == Conversation(c)).Select(e => e.Detail).ToList();
            Assert.Equal(Messages, run.Count);
            for (var m = 1; m <= Messages; m++)
                Assert.StartsWith($"message.received \"{Text(c, m)}\"", run[m - 1], StringComparison.Ordinal);
        }

        var followUps = (await connection.QueryAsync<(string Conversation, string Status)>("SELECT conversation_id, status FROM follow_ups")).ToList();
        Assert.Equal(2 * Conversations, followUps.Count);
        Assert.All(followUps, f => Assert.Equal("fired", f.Status));
        var fired = (await connection.QueryAsync<(string Conversation, long Count)>(
            "SELECT conversation_id, COUNT(*) FROM audit WHERE kind = 'event' AND name = 'follow_up' GROUP BY conversation_id")).ToList();
        Assert.Equal(Conversations, fired.Count);
        Assert.All(fired, f => Assert.Equal(2, f.Count));
    }

    /// <summary>
    /// Posts message <paramref name="round"/> of every conversation, eight at a time, each to the node the
    /// conversation and round pick (so a conversation's messages alternate between the nodes), or to node A while
    /// node B is down; returns once every node has answered 200.
    /// </summary>
    private Task PostRoundAsync(int round) =>
        Parallel.ForEachAsync(Enumerable.Range(0, Conversations), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            var node = (c + round) % 2 == 0 || !_b.IsRunning ? _a : _b;
            await _webhooks.PostMessageAsync(node.BaseUrl, $"msg-{c}-{round}", Conversation(c), User(c), Text(c, round));
        });

    private static string Conversation(int c) => $"conv-{c:00}";

    private static string User(int c) => $"user-{c:00}";

    private static string Text(int c, int m) => m == Messages ? $"c{c:00} m{m} bye" : $"c{c:00} m{m}";

    /// <summary>What is still pending, row by row, for the failure message.</summary>
    private static async Task<string> PendingRowsAsync(NpgsqlConnection connection, CancellationToken token)
    {
        var rows = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT 'inbox ' || seq || ' ' || conversation_id || ' ' || kind FROM inbox WHERE status = 'pending'
            UNION ALL SELECT 'outbox ' || id || ' ' || status || ' attempts ' || attempts FROM outbox WHERE status IN ('Pending', 'InFlight')
            UNION ALL SELECT 'follow-up ' || id || ' ' || conversation_id || ' ' || follow_up_id || ' due ' || due_at || ' job ' || COALESCE(hangfire_job_id, '-')
                FROM follow_ups WHERE status = 'scheduled'
            LIMIT 10
            """, cancellationToken: token));
        return string.Join("; ", rows);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
