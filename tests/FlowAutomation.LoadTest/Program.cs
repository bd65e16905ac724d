using System.Diagnostics;
using System.Text.Json;
using static LoadReport;

// Load test of the live service over loopback (see docs/performance.md, "Live service"):
//   dotnet run -c Release --project tests/FlowAutomation.LoadTest -- [--conversations 10000] [--concurrency 32] [--rate 0] [--warmup 500] [--flows flows]
//   [--postgres "Host=127.0.0.1;Port=5432;Username=…"] [--nodes 2] [--flowctl ~/.dotnet/tools/flowctl]
// Starts `flowctl serve` as a child process on a free 127.0.0.1 port with a fresh SQLite file (or N of them on a fresh
// PostgreSQL database) and a fake Infobip (in this process, loopback), sends one signed Infobip webhook per conversation, and reports: the intake (webhooks
// accepted per second, latency percentiles), the drain (events the engine ran and committed per second), and the time
// from each webhook to the provider's request for its reply (percentiles), with the storage provider and node count,
// and the CPU the service and the load test's own process spent.
// Bounded in count and time; loopback only.

const string Secret = "load-secret";
const string AdminKey = "load-admin";
LoadTestProcess.InlineSocketCompletions();
return await LoadTestCommandLine.RunAsync(args, RunLoadTestAsync, Console.Out, Console.Error, CancellationToken.None);

static async Task<int> RunLoadTestAsync(LoadTestOptions options, CancellationToken cancellationToken)
{
    var clock = new WebhookClock(options.Conversations);
    await using var provider = await FakeProvider.StartAsync(clock, cancellationToken);
    var inFlight = options.Rate > 0 ? LoadTestCommandLine.MaxInFlight : options.Concurrency;
    await using var service = await ServiceNodes.StartAsync(options, options.Flowctl ?? FlowCtlPath(), provider.Url, Secret, AdminKey, Math.Min(inFlight, 256), cancellationToken);

    var load = new WebhookLoad(service.Clients, Secret);
    var status = new StatusPoller(service.Clients, AdminKey, service.CpuTime);
    var mode = options.Rate > 0 ? Invariant($"open loop at {options.Rate} webhooks/s") : Invariant($"closed loop, {options.Concurrency} concurrent");
    Console.WriteLine(Invariant($"service: storage {service.Storage}, {options.Nodes} node(s), webhooks to each in turn; {Environment.ProcessorCount} cores; load average {LoadAverage()}"));
    if (options.Flowctl is not null)
        Console.WriteLine($"service: flowctl {options.Flowctl} (--flowctl), not this build's flowctl.dll");

    Console.WriteLine(Invariant($"warm-up: {options.Warmup} requests, then until the engine has run them"));
    var warmCpu = service.CpuTime();
    var warmOwnCpu = OwnCpuTime();
    var warming = Stopwatch.StartNew();
    var warmIntake = await load.ClosedLoopAsync("warm", options.Warmup, options.Concurrency, clock: null);
    var warmed = await status.WaitProcessedAsync(options.Warmup, TimeSpan.FromMinutes(2), cancellationToken);
    var baseline = warmed.Processed;
    // The warm-up is where the service's hot paths are compiled (tiered JIT): its own figures, apart from the measured part's.
    if (options.Warmup > 0)
        Console.WriteLine(Invariant(
            $"warm-up: {warmIntake.Latencies.Length} webhooks accepted at {warmIntake.Latencies.Length / warmIntake.Elapsed.TotalSeconds:F0}/s (p99 {Percentile(warmIntake.Latencies, 0.99):F2} ms), {baseline} events run and committed in {warming.Elapsed.TotalSeconds:F2} s = {baseline / warming.Elapsed.TotalSeconds:F0} events/s; service CPU {(service.CpuTime() - warmCpu).TotalMilliseconds * 1000 / Math.Max(1, baseline):F0} µs per event (start-up: the JIT is compiling the hot paths); {OwnCpu(OwnCpuTime() - warmOwnCpu, options.Warmup)}"));
    // The warm-up's replies leave the outbox first, so that the measured webhooks' replies do not queue behind them.
    var settling = Stopwatch.StartNew();
    await status.WaitOutboxSettledAsync(TimeSpan.FromMinutes(1), cancellationToken);
    Console.WriteLine(Invariant($"warm-up: its replies left the outbox {settling.Elapsed.TotalSeconds:F2} s after its last event was run; {provider.Traffic}"));

    Console.WriteLine(Invariant($"measuring: {options.Conversations} conversations, one signed Infobip webhook each, {mode}"));
    var cpuBefore = service.CpuTime();
    var ownCpuBefore = OwnCpuTime();
    var measured = Stopwatch.StartNew();
    var polling = status.TrackAsync(measured, baseline + options.Conversations, TimeSpan.FromMinutes(5), cancellationToken);
    var intake = options.Rate > 0
        ? await load.OpenLoopAsync("conv", options.Conversations, options.Rate, LoadTestCommandLine.MaxInFlight, clock)
        : await load.ClosedLoopAsync("conv", options.Conversations, options.Concurrency, clock);
    var samples = await polling;
    var latencies = intake.Latencies;
    Console.WriteLine(Invariant(
        $"intake: {latencies.Length} webhooks in {intake.Elapsed.TotalSeconds:F2} s = {latencies.Length / intake.Elapsed.TotalSeconds:F0}/s accepted; latency {Latencies(latencies)}; errors {intake.Errors}")
        + (options.Rate > 0 ? Invariant($"; sends more than 10 ms behind schedule {intake.LateStarts}") : ""));

    var last = samples[^1];
    var drained = last.Processed - baseline;
    var atIntakeEnd = samples.LastOrDefault(s => s.At <= intake.Elapsed) ?? samples[0];
    var backlog = baseline + options.Conversations - atIntakeEnd.Processed;
    var afterIntake = last.At - atIntakeEnd.At;
    Console.WriteLine(Invariant(
        $"drain: {drained} of {options.Conversations} events run and committed {last.At.TotalSeconds:F2} s after the first webhook = {drained / last.At.TotalSeconds:F0} events/s")
        + (backlog > 0 && afterIntake > TimeSpan.Zero
            ? Invariant($"; {backlog} were still queued when the intake ended and took {afterIntake.TotalSeconds:F2} s more ({(last.Processed - atIntakeEnd.Processed) / afterIntake.TotalSeconds:F0} events/s)")
            : "; none queued when the intake ended")
        + Invariant($"; peak {PeakRate(samples, TimeSpan.FromSeconds(1)):F0} events/s over 1 s"));
    var cpu = service.CpuTime() - cpuBefore;
    var (ownCpu, span) = (OwnCpuTime() - ownCpuBefore, measured.Elapsed);
    Console.WriteLine(Invariant($"service CPU: {cpu.TotalSeconds:F2} s (user and system, every node; a PostgreSQL server's own not counted) from the first webhook until the last event was committed = {cpu.TotalMilliseconds * 1000 / Math.Max(1, drained):F0} µs per event, taking and running it"));
    // The load test shares the machine's cores with the service: what it spends itself is CPU the service did not have.
    Console.WriteLine(Invariant(
        $"{OwnCpu(ownCpu, options.Conversations)} over the same {span.TotalSeconds:F2} s; of the {Environment.ProcessorCount} cores' time the load test took {Share(ownCpu, span):F0} %, the service {Share(cpu, span):F0} %"));

    // The last replies leave the outbox shortly after the last commit: wait (bounded) for them.
    await status.WaitOutboxSettledAsync(TimeSpan.FromSeconds(30), cancellationToken);
    var cpuSettled = service.CpuTime() - cpuBefore;
    Console.WriteLine(Invariant($"service CPU until the outbox was empty: {cpuSettled.TotalSeconds:F2} s = {cpuSettled.TotalMilliseconds * 1000 / Math.Max(1, drained):F0} µs per event, taking, running and replying to it (the replies sent after the last commit included)"));
    // A CPU per event that still falls from quarter to quarter is the JIT at work (tiered compilation): the last
    // quarters are nearer the steady state; a longer --warmup moves the measured part past it.
    Console.WriteLine(Invariant(
        $"service CPU per event by quarter of the events committed: {string.Join(" / ", CpuByQuarter(samples, baseline, options.Conversations).Select(c => Invariant($"{c:F0}")))} µs"));
    var toProvider = clock.ProviderLatencies();
    Console.WriteLine(Invariant(
        $"webhook to provider: {toProvider.Length} of {options.Conversations} conversations' first reply reached the provider; latency {Latencies(toProvider)}; in all {provider.Traffic}"));
    // A latency that grows from quarter to quarter is a backlog building up; one as long in the first quarter as in the
    // last is a wait of its own (replies going out in a burst).
    var quarters = Enumerable.Range(0, 4).Select(q => clock.ProviderLatencies(q * options.Conversations / 4, (q + 1) * options.Conversations / 4));
    Console.WriteLine(Invariant(
        $"webhook to provider by quarter of the webhooks: p50 {string.Join(" / ", quarters.Select(q => Invariant($"{Percentile(q, 0.50):F0}")))} ms; outbox rows queued (pending or in flight) at most {samples.Max(s => s.OutboxQueued)}, {samples[^1].OutboxQueued} when the last event was committed"));
    Console.WriteLine(Invariant($"load average after: {LoadAverage()}"));
    return intake.Errors == 0 && drained >= options.Conversations ? 0 : 1;
}

// The load test process's own CPU time (user and system: webhook sender, fake provider, status poller, its JIT and GC).
static TimeSpan OwnCpuTime() => CpuTime(Environment.ProcessId);

static string OwnCpu(TimeSpan cpu, int webhooks) =>
    Invariant($"load test process CPU: {cpu.TotalSeconds:F2} s = {cpu.TotalMilliseconds * 1000 / Math.Max(1, webhooks):F0} µs per webhook (sender, fake provider and poller)");

static double Share(TimeSpan cpu, TimeSpan span) => span > TimeSpan.Zero ? 100 * cpu / (span * Environment.ProcessorCount) : 0;

static double PeakRate(IReadOnlyList<StatusPoller.Sample> samples, TimeSpan window)
{
    var peak = 0.0;
    var from = 0;
    for (var to = 1; to < samples.Count; to++)
    {
        while (from < to - 1 && samples[to].At - samples[from + 1].At >= window)
            from++;
        var span = samples[to].At - samples[from].At;
        if (span >= window)
            peak = Math.Max(peak, (samples[to].Processed - samples[from].Processed) / span.TotalSeconds);
    }
    return peak;
}

// The service CPU per event committed within each quarter of the measured events, from the samples (each quarter from
// the first sample at or past its start to the first at or past its end; 0 when a quarter had no sample of its own).
static IEnumerable<double> CpuByQuarter(IReadOnlyList<StatusPoller.Sample> samples, long baseline, int events)
{
    StatusPoller.Sample At(long processed) => samples.FirstOrDefault(s => s.Processed >= processed) ?? samples[^1];
    for (var q = 0; q < 4; q++)
    {
        var (from, to) = (At(baseline + q * events / 4), At(baseline + (q + 1) * events / 4));
        yield return to.Processed > from.Processed ? (to.Cpu - from.Cpu).TotalMilliseconds * 1000 / (to.Processed - from.Processed) : 0;
    }
}

static string FlowCtlPath()
{
    // tests/FlowAutomation.LoadTest/bin/<Configuration>/<tfm>/ → src/FlowAutomation.Cli/bin/<Configuration>/<tfm>/flowctl.dll
    var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
    var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
    return Path.Combine(root, "src", "FlowAutomation.Cli", "bin", here.Parent!.Name, here.Name, "flowctl.dll");
}

/// <summary>
/// Reads every node's <c>/api/status/progress</c>: the events the engines ran since their start (summed over the nodes),
/// and the outbox rows pending or in flight (from the first node: they are the shared database's); with each reading,
/// the service's CPU time. (<c>/api/status</c>, which counts every table by status, cost the PostgreSQL server 0.2–0.9 s
/// a run: docs/performance.md, "Ninth pass: the service on PostgreSQL".)
/// </summary>
internal sealed class StatusPoller(IReadOnlyList<HttpClient> nodes, string adminKey, Func<TimeSpan> cpuTime)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>One reading: when, the events run, the outbox rows queued, and the service's CPU time so far (every node).</summary>
    public sealed record Sample(TimeSpan At, long Processed, long OutboxQueued, TimeSpan Cpu);

    public async Task<Sample> ReadAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        long processed = 0, queued = 0;
        for (var node = 0; node < nodes.Count; node++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status/progress");
            request.Headers.Add("X-Api-Key", adminKey);
            using var response = await nodes[node].SendAsync(request, cancellationToken);
            using var progress = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            processed += progress.RootElement.GetProperty("processedSinceStart").GetInt64();
            if (node == 0)
                queued = progress.RootElement.GetProperty("outboxQueued").GetInt64();
        }
        return new Sample(at, processed, queued, cpuTime());
    }

    /// <summary>Samples every 200 ms from now until <paramref name="target"/> events are processed or <paramref name="limit"/> passes.</summary>
    public async Task<List<Sample>> TrackAsync(Stopwatch since, long target, TimeSpan limit, CancellationToken cancellationToken)
    {
        var samples = new List<Sample> { await ReadAsync(TimeSpan.Zero, cancellationToken) };
        while (samples[^1].Processed < target && since.Elapsed < limit)
        {
            await Task.Delay(Interval, TimeProvider.System, cancellationToken);
            samples.Add(await ReadAsync(since.Elapsed, cancellationToken));
        }
        return samples;
    }

    public async Task<Sample> WaitProcessedAsync(long target, TimeSpan limit, CancellationToken cancellationToken)
    {
        var since = Stopwatch.StartNew();
        while (true)
        {
            var sample = await ReadAsync(since.Elapsed, cancellationToken);
            if (sample.Processed >= target || since.Elapsed >= limit)
                return sample;
            await Task.Delay(Interval, TimeProvider.System, cancellationToken);
        }
    }

    public async Task WaitOutboxSettledAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var since = Stopwatch.StartNew();
        while ((await ReadAsync(since.Elapsed, cancellationToken)).OutboxQueued > 0 && since.Elapsed < limit)
            await Task.Delay(Interval, TimeProvider.System, cancellationToken);
    }
}
