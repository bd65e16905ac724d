using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// The whole service on a TestServer (real inbox, engine, SQLite, Hangfire on the manual clock, dispatcher) with a
/// fake Infobip on loopback, and ways to wait — without sleeping — for events processed, follow-ups finished and
/// requests received.
/// </summary>
internal sealed class LiveHarness : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<long> _processed = new();
    private readonly ConcurrentQueue<string> _followUps = new();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveHarness(TestServerHost host, FakeInfobip provider, CapturingLoggerProvider logs)
    {
        Logs = logs;
        Host = host;
        Provider = provider;
        host.App.Services.GetRequiredService<IInboxProcessing>().Finished += item =>
        {
            _processed.Enqueue(item.Seq);
            Progress();
        };
        host.App.Services.GetRequiredService<OutboxDispatcher>().Dispatched += _ => Progress();
        host.App.Services.GetRequiredService<HangfireFollowUpScheduler>().Completed += id =>
        {
            _followUps.Enqueue(id);
            Progress();
        };
    }

    public TestServerHost Host { get; }

    public CapturingLoggerProvider Logs { get; }

    public FakeInfobip Provider { get; }

    public int Processed => _processed.Count;

    public int FollowUpsFinished => _followUps.Count;

    public static async Task<LiveHarness> StartAsync(IReadOnlyDictionary<string, string> flows, IDictionary<string, string?>? settings = null)
    {
        var provider = await FakeInfobip.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Infobip:BaseUrl"] = provider.BaseUrl,
            ["Infobip:ApiKey"] = "live-key",
            ["Infobip:Sender"] = "biz-1",
            ["FollowUps:Fire"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var logs = new CapturingLoggerProvider();
        var host = await TestServerHost.StartAsync(all, realInbox: true, flows: flows,
            services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        return new LiveHarness(host, provider, logs);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking whenever an event or follow-up finishes or a request arrives.</summary>
    public Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <summary>
    /// Waits until every outbox message is sent (or finished otherwise): a test moves the manual clock only then,
    /// or a send in flight would time out on the moved clock and go again.
    /// </summary>
    public Task WaitForOutboxSettledAsync() => WaitForAsync(async () =>
    {
        await using var connection = await Database.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM outbox WHERE status IN ('Pending', 'InFlight')") == 0;
    }, "the outbox to settle");

    public async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Guard);
        while (true)
        {
            // Take the signals first, then look: whatever happens after the look completes one of them.
            var progress = Volatile.Read(ref _progress).Task;
            var arrived = Provider.RequestArrived;
            if (await condition())
                return;
            try
            {
                await Task.WhenAny(progress, arrived).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {Guard.TotalSeconds} s for {what}; the service logged:{string.Concat(Logs.Lines.Select(l => Environment.NewLine + l))}");
            }
        }
    }

    /// <summary>
    /// Fires the follow-ups due at the manual clock's time, in due order, through the code path Hangfire's job runs
    /// (<see cref="HangfireFollowUpScheduler.RunAsync"/>). In these tests no Hangfire server runs (FollowUps:Fire is
    /// false): the jobs are recorded in its storage and fired here, one at a time. Hangfire firing by itself is
    /// tested on the contract suite (clock stepped to each due time) and in the child-process tests.
    /// </summary>
    public async Task<int> FireDueFollowUpsAsync()
    {
        var scheduler = Host.App.Services.GetRequiredService<HangfireFollowUpScheduler>();
        List<string> due;
        await using (var connection = await Database.OpenAsync())
            due = [.. await Dapper.SqlMapper.QueryAsync<string>(connection,
                "SELECT id FROM follow_ups WHERE status = 'scheduled' AND due_at <= @now ORDER BY due_at, seq", new { now = Host.Time.GetUtcNow().ToUnixTimeMilliseconds() })];
        foreach (var id in due)
            await scheduler.RunAsync(id, CancellationToken.None);
        return due.Count;
    }

    /// <summary>Waits for <paramref name="count"/> messages to reach the provider (several may share a request).</summary>
    public Task WaitForMessagesAsync(int count) => WaitForAsync(() => Provider.Messages.Count >= count, $"{count} messages at the provider");

    public Task WaitForProcessedAsync(int count) => WaitForAsync(() => Processed >= count, $"{count} inbox events processed");

    public async Task<JsonElement> AdminAsync(string path)
    {
        using var response = await Host.GetAdminAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public SqliteDatabase Database => Host.App.Services.GetRequiredService<SqliteDatabase>();

    private void Progress() =>
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
