using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Load test of the live service over loopback (see docs/performance.md, "Live service"):
//   dotnet run -c Release --project tests/FlowAutomation.LoadTest -- [--conversations 10000] [--concurrency 32] [--warmup 500] [--flows flows]
// Starts `flowctl serve` as a child process on a free 127.0.0.1 port with a fresh SQLite file and a fake Infobip
// (in this process, loopback), sends one signed Infobip webhook per conversation, and reports requests per second
// and latency percentiles of the webhook requests, then how long the service took to run every event. Bounded in
// count and time; loopback only.

const string Secret = "load-secret";
const string AdminKey = "load-admin";
return await LoadTestCommandLine.RunAsync(args, RunLoadTestAsync, Console.Out, Console.Error, CancellationToken.None);

static async Task<int> RunLoadTestAsync(LoadTestOptions options, CancellationToken cancellationToken)
{
    var flowctl = FlowCtlPath();
    var folder = Path.Combine(Path.GetTempPath(), "flowautomation-load-" + Guid.NewGuid().ToString("n"));
    Directory.CreateDirectory(folder);
    var clock = TimeProvider.System;

    // The fake provider: accepts every send.
    var sent = 0;
    var providerBuilder = WebApplication.CreateSlimBuilder();
    providerBuilder.Logging.ClearProviders();
    providerBuilder.WebHost.UseUrls("http://127.0.0.1:0");
    await using var provider = providerBuilder.Build();
    provider.Run(async context =>
    {
        Interlocked.Increment(ref sent);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"messages":[{"messageId":"p","status":{"groupName":"PENDING"}}]}""");
    });
    await provider.StartAsync(cancellationToken);
    var providerUrl = provider.Urls.Single();

    var port = FreePort();
    var baseUrl = $"http://127.0.0.1:{port}";
    var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var arg in new[]
    {
        flowctl, "serve", "--urls", baseUrl, "--flows", Path.GetFullPath(options.Flows), "--db", Path.Combine(folder, "load.db"),
        $"--Infobip:BaseUrl={providerUrl}", "--Infobip:ApiKey=load", "--Infobip:Sender=biz-1", $"--Webhooks:Infobip:Secret={Secret}",
        $"--Admin:ApiKey={AdminKey}", "--Flows:Watch=false",
    })
    {
        start.ArgumentList.Add(arg);
    }
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    using var service = Process.Start(start)!;
    var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    service.OutputDataReceived += (_, e) =>
    {
        if (e.Data?.StartsWith("flowctl serve: running on", StringComparison.Ordinal) == true)
            running.TrySetResult();
    };
    service.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is not null)
            Console.Error.WriteLine("service: " + e.Data);
    };
    service.BeginOutputReadLine();
    service.BeginErrorReadLine();
    try
    {
        await running.Task.WaitAsync(TimeSpan.FromSeconds(60), TimeProvider.System, cancellationToken); // the load test runs on the real clock
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

        Console.WriteLine($"warm-up: {options.Warmup} requests");
        await RunAsync(client, "warm", options.Warmup, options.Concurrency);
        Console.WriteLine($"measuring: {options.Conversations} conversations, one signed Infobip webhook each, {options.Concurrency} concurrent");
        var measured = Stopwatch.StartNew();
        var (latencies, errors) = await RunAsync(client, "conv", options.Conversations, options.Concurrency);
        var elapsed = measured.Elapsed;
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"webhooks: {latencies.Length} in {elapsed.TotalSeconds:F2} s = {latencies.Length / elapsed.TotalSeconds:F0} req/s; latency p50 {Percentile(latencies, 0.50):F2} ms, p90 {Percentile(latencies, 0.90):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms; errors {errors}"));

        // Then wait (bounded) until the service has run every event.
        var total = options.Warmup + options.Conversations;
        var deadline = clock.GetUtcNow() + TimeSpan.FromMinutes(5);
        long done = 0;
        while (clock.GetUtcNow() < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
            request.Headers.Add("X-Api-Key", AdminKey);
            using var response = await client.SendAsync(request, cancellationToken);
            var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
            done = status.GetProperty("inbox").TryGetProperty("done", out var d) ? d.GetInt64() : 0;
            if (done >= total)
                break;
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
        }
        var processing = measured.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"events: {done} of {total} run by the engine {processing.TotalSeconds:F2} s after the first measured request ({options.Conversations / processing.TotalSeconds:F0} events/s measured part); provider received {Volatile.Read(ref sent)} sends so far"));
        return errors == 0 && done >= total ? 0 : 1;
    }
    finally
    {
        service.Kill(entireProcessTree: true);
        await service.WaitForExitAsync(CancellationToken.None);
        Directory.Delete(folder, recursive: true);
    }
}

static async Task<(double[] Latencies, int Errors)> RunAsync(HttpClient client, string prefix, int count, int concurrency)
{
    var latencies = new double[count];
    var errors = 0;
    var next = -1;
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var body = Webhook(prefix, i);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/infobip/tiktok") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Infobip-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))));
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
                Interlocked.Increment(ref errors);
        }
    });
    await Task.WhenAll(workers);
    return (latencies, errors);
}

static string Webhook(string prefix, int i)
{
    var now = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
    var text = (i % 4) switch { 0 => "How much is the serum?", 1 => "Where is my order?", 2 => "hello", _ => "do you ship to Singapore?" };
    return JsonSerializer.Serialize(new
    {
        results = new[]
        {
            new { sender = $"user-{prefix}-{i}", to = "biz-1", integrationType = "TIKTOK", receivedAt = now, messageId = $"{prefix}-msg-{i}", message = new { type = "TEXT", conversationId = $"{prefix}-{i}", text } },
        },
        messageCount = 1,
        pendingMessageCount = 0,
    });
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FlowCtlPath()
{
    // tests/FlowAutomation.LoadTest/bin/<Configuration>/<tfm>/ → src/FlowAutomation.Cli/bin/<Configuration>/<tfm>/flowctl.dll
    var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
    var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
    return Path.Combine(root, "src", "FlowAutomation.Cli", "bin", here.Parent!.Name, here.Name, "flowctl.dll");
}
