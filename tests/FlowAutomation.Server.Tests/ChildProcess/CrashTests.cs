using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.ChildProcess;

/// <summary>
/// The service as a child process (<c>dotnet flowctl.dll serve</c>), killed hard (SIGKILL) in the middle of its
/// work and started again on the same SQLite file: every customer event is processed once, every follow-up fires
/// exactly once (those that fell due while it was down are decided on start), and every message reaches the
/// provider exactly once.
/// </summary>
public sealed class CrashTests : IAsyncLifetime
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
    private CountingProvider _provider = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "flows"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "flows", "flow.yaml"), Flow);
        _provider = await CountingProvider.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private IEnumerable<string> Settings() =>
    [
        "--flows", Path.Combine(_folder, "flows"),
        "--db", Path.Combine(_folder, "service.db"),
        $"--Infobip:BaseUrl={_provider.BaseUrl}",
        "--Infobip:ApiKey=crash-key",
        "--Infobip:Sender=biz-1",
        $"--Webhooks:Infobip:Secret={Secret}",
        $"--Admin:ApiKey={AdminKey}",
        "--Outbox:Lease=00:00:02",
        "--Outbox:PollInterval=00:00:00.200",
        "--Outbox:BaseDelay=00:00:00.200",
        "--Flows:Watch=false",
    ];

    [Fact]
    public async Task KilledMidWork_RestartedOnTheSameDatabase_EverythingHappensExactlyOnce()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var port = ServiceProcess.FreePort();

        // First life: take every webhook, start processing; the provider holds every send (none is accepted).
        _provider.Holding = true;
        await using (var first = await ServiceProcess.StartAsync(_folder, port, Settings(), Guard))
        {
            for (var i = 0; i < Conversations; i++)
            {
                using var response = await PostAsync(client, first.BaseUrl, i);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            await WaitAsync(() => _provider.Held > 0, "a send to reach the provider");
            await first.KillAsync();
        }

        // Second life: the provider accepts; the events left pending, the sends cut off and the follow-ups run.
        _provider.Holding = false;
        await using var second = await ServiceProcess.StartAsync(_folder, port, Settings(), Guard);
        await WaitAsync(() => _provider.Accepted.Count >= 2 * Conversations, $"{2 * Conversations} messages at the provider; the service said:{Environment.NewLine}{second.Output}");
        var status = await WaitForSettledAsync(client, second.BaseUrl);

        Assert.All(_provider.Accepted, pair => Assert.Equal(1, pair.Value));
        for (var i = 0; i < Conversations; i++)
        {
            Assert.Equal("hello", _provider.Texts[$"conv-{i}/msg-{i}/1"]);
            Assert.Single(_provider.Texts, t => t.Key.StartsWith($"conv-{i}/", StringComparison.Ordinal) && t.Value == "nudge");
        }
        Assert.Equal(2 * Conversations, _provider.Accepted.Count);
        Assert.Equal(Conversations, status.GetProperty("inbox").GetProperty("done").GetInt64());
        Assert.Equal(Conversations, status.GetProperty("followUps").GetProperty("fired").GetInt64());
        Assert.Equal(2 * Conversations, status.GetProperty("outbox").GetProperty("sent").GetInt64());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string baseUrl, int i)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", System.Globalization.CultureInfo.InvariantCulture);
        var body = Payloads.InfobipMessage($"msg-{i}", $"conv-{i}", $"user-{i}", "hi there", receivedAt: now);
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/webhooks/infobip/tiktok") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Infobip-Signature", Signatures.HmacHex(Secret, body));
        return await client.SendAsync(request);
    }

    /// <summary>Waits for the provider's next request until <paramref name="condition"/> holds.</summary>
    private async Task WaitAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Guard);
        while (true)
        {
            var changed = _provider.Changed;
            if (condition())
                return;
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {Guard.TotalSeconds} s for {what}");
            }
        }
    }

    /// <summary>
    /// The service's counters once nothing is left to do (no inbox event pending, no follow-up scheduled, no message
    /// waiting): asked again each time the provider hears something, or after a second of quiet.
    /// </summary>
    private async Task<JsonElement> WaitForSettledAsync(HttpClient client, string baseUrl)
    {
        using var timeout = new CancellationTokenSource(Guard);
        while (true)
        {
            var changed = _provider.Changed;
            using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/api/status");
            request.Headers.Add("X-Api-Key", AdminKey);
            using var response = await client.SendAsync(request, timeout.Token);
            var status = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            var busy = status.GetProperty("inbox").TryGetProperty("pending", out _)
                || status.GetProperty("followUps").TryGetProperty("scheduled", out _)
                || status.GetProperty("outbox").EnumerateObject().Any(p => p.Name is "pending" or "inflight");
            if (!busy)
                return status;
            try
            {
                await changed.WaitAsync(TimeSpan.FromSeconds(1), timeout.Token);
            }
            catch (TimeoutException)
            {
                // quiet for a second: ask again
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the service did not settle in {Guard.TotalSeconds} s; last status {status}");
            }
        }
    }
}
