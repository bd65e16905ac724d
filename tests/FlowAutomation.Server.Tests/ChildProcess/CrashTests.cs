using System.Text.Json;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace FlowAutomation.Server.Tests.ChildProcess;

/// <summary>
/// The service as a child process (<c>dotnet flowctl.dll serve</c>), killed hard (SIGKILL) in the middle of its
/// work and started again on the same SQLite file: every customer event is processed once, every follow-up fires
/// exactly once (those that fell due while it was down are decided on start), and every message reaches the
/// provider once — but for the messages the provider had accepted and the service had not yet marked sent when it
/// was killed, which are sent again, and only those (each test writes the figures to its output).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    private const int Conversations = 12;
    private const string Secret = "crash-secret";
    private const string AdminKey = "crash-admin";

    private const string Flow = """
        flow: hello-then-nudge
        on: message.received
        once_per: conversation
        then:
          - reply: { text: "hello" }
          - follow_up:
              after: 2s
              then:
                - reply: { text: "nudge" }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "flowautomation-server-tests", "crash-" + Guid.NewGuid().ToString("n"));
    private readonly WebhookSender _webhooks = new(Secret, AdminKey);
    private RecordingProvider _provider = null!;
    private ChildNode _node = null!;

    private string DatabaseFile => Path.Combine(_folder, "service.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "flows"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "flows", "flow.yaml"), Flow);
        _provider = await RecordingProvider.StartAsync();
        _node = new ChildNode("crash", _folder, Settings(), Guard);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _provider.DisposeAsync();
        _webhooks.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private List<string> Settings() =>
    [
        "--flows", Path.Combine(_folder, "flows"),
        "--db", DatabaseFile,
        $"--Infobip:BaseUrl={_provider.BaseUrl}",
        "--Infobip:ApiKey=crash-key",
        "--Infobip:Sender=biz-1",
        // The provider holds sends until the test kills the node: they must not time out (and be retried) first.
        "--Infobip:Timeout=00:10:00",
        $"--Webhooks:Infobip:Secret={Secret}",
        $"--Admin:ApiKey={AdminKey}",
        "--Outbox:Lease=00:00:02",
        "--Outbox:PollInterval=00:00:00.200",
        "--Outbox:BaseDelay=00:00:00.200",
        "--Flows:Watch=false",
    ];

    [Fact]
    public async Task KilledWhileTheProviderHoldsASend_RestartedOnTheSameDatabase_EverythingHappensExactlyOnce()
    {
        // First life: take every webhook, start processing; the provider holds every send (none is accepted).
        _provider.Hold = _ => true;
        await _node.StartAsync();
        await PostAllAsync();
        await WaitForHeldAsync();
        await _node.KillAsync();

        // Second life: the provider accepts; the events left pending, the sends cut off and the follow-ups run.
        _provider.Hold = _ => false;
        await _node.StartAsync();
        await AssertEverythingOnceAsync("killed while the provider held", inFlightAtKill: []);
    }

    [Fact]
    public async Task KilledBetweenTheProvidersAcceptanceAndTheOutboxMark_Restarted_OnlyThoseMessagesAreSentTwice()
    {
        // First life: the provider holds every send, so some messages are claimed and in flight.
        _provider.Hold = _ => true;
        await _node.StartAsync();
        await PostAllAsync();
        await WaitForHeldAsync();

        // The test takes SQLite's write lock, so the service's mark waits on busy_timeout; the provider then accepts
        // the sends it holds (200, written). Killed now, the service has sent them and never marked them sent.
        IReadOnlyList<ProviderSend> inFlight;
        await using (var writeLock = await WriteLockAsync())
        {
            inFlight = await _provider.AnswerHeldAsync(_ => true);
            await _node.KillAsync();
            await writeLock.ExecuteAsync("ROLLBACK");
        }
        Assert.NotEmpty(inFlight);

        // Second life: their leases run out and they are sent again; everything else happens once.
        _provider.Hold = _ => false;
        await _node.StartAsync();
        await AssertEverythingOnceAsync("killed between acceptance and mark", inFlight);
    }

    private async Task PostAllAsync()
    {
        for (var i = 0; i < Conversations; i++)
            await _webhooks.PostMessageAsync(_node.BaseUrl, $"msg-{i}", $"conv-{i}", $"user-{i}", "hi there");
    }

    private Task WaitForHeldAsync() =>
        Waits.UntilAsync(() => _provider.Held.Count > 0, () => _provider.Changed, Guard, () => $"a send to reach the provider; the service said:{Environment.NewLine}{_node.Output}");

    /// <summary>A connection of the test's own holding SQLite's write lock on the service's file (BEGIN IMMEDIATE).</summary>
    private async Task<SqliteLock> WriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 60000; BEGIN IMMEDIATE;";
        await command.ExecuteNonQueryAsync();
        return new SqliteLock(connection);
    }

    /// <summary>
    /// Waits for every message (and the doubles), then for the service to settle, and checks: each event ran once,
    /// each follow-up fired once, each customer got "hello" then "nudge", and the sends made twice are exactly
    /// <paramref name="inFlightAtKill"/>.
    /// </summary>
    private async Task AssertEverythingOnceAsync(string title, IReadOnlyList<ProviderSend> inFlightAtKill)
    {
        var expectedSends = 2 * Conversations + inFlightAtKill.Count;
        await Waits.UntilAsync(() => _provider.Accepted.Count >= expectedSends, () => _provider.Changed, Guard,
            () => $"{expectedSends} sends at the provider (got {_provider.Accepted.Count}); the service said:{Environment.NewLine}{_node.Output}");
        var status = await Waits.SettledAsync(async token =>
        {
            var status = await _webhooks.GetAsync(_node.BaseUrl, "/api/status", token);
            var busy = status.GetProperty("inbox").TryGetProperty("pending", out _)
                || status.GetProperty("followUps").TryGetProperty("scheduled", out _)
                || status.GetProperty("outbox").EnumerateObject().Any(p => p.Name is "pending" or "inflight");
            return (!busy, status);
        }, () => _provider.Changed, Guard, "the service");

        var deliveries = Deliveries.Of(_provider.Accepted);
        output.WriteLine(deliveries.Report(title, inFlightAtKill, _provider.CutOff));
        var expected = Enumerable.Range(0, Conversations).ToDictionary(i => $"user-{i}", IReadOnlyList<string> (_) => ["hello", "nudge"]);
        Assert.Empty(deliveries.Mismatches(expected));
        Assert.Equal(inFlightAtKill.Select(s => s.MessageId).Order(StringComparer.Ordinal), deliveries.Doubles.Select(s => s.MessageId).Order(StringComparer.Ordinal));
        Assert.Equal(expectedSends, _provider.Accepted.Count);
        for (var i = 0; i < Conversations; i++)
            Assert.Contains(_provider.Accepted, s => s.MessageId == $"conv-{i}/msg-{i}/1" && s.Text == "hello");

        Assert.Equal(Conversations, status.GetProperty("inbox").GetProperty("done").GetInt64());
        Assert.Equal(Conversations, status.GetProperty("followUps").GetProperty("fired").GetInt64());
        Assert.Equal(2 * Conversations, status.GetProperty("outbox").GetProperty("sent").GetInt64());
        for (var i = 0; i < Conversations; i++)
        {
            var audit = (await _webhooks.GetAsync(_node.BaseUrl, $"/api/conversations/conv-{i}/audit")).EnumerateArray().ToList();
            Assert.Single(audit, e => Is(e, "event", "message.received"));
            Assert.Single(audit, e => Is(e, "event", "follow_up"));
        }
    }

    private static bool Is(JsonElement entry, string kind, string name) =>
        entry.GetProperty("kind").GetString() == kind && entry.GetProperty("name").GetString() == name;

    /// <summary>The test's write transaction on the service's SQLite file; rolled back and closed when disposed.</summary>
    private sealed class SqliteLock(SqliteConnection connection) : IAsyncDisposable
    {
        public async Task ExecuteAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync() => await connection.DisposeAsync();
    }
}
