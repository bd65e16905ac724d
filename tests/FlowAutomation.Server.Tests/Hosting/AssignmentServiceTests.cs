using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.State;
using FlowAutomation.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// <c>assign</c> in the service counts from SQLite: a flow reload and a restart on the same database keep the
/// round-robin turn, and closing a conversation lowers its agent's open count.
/// </summary>
public sealed class AssignmentServiceTests
{
    private const string Flows = AssignmentTests.Flows;

    private static readonly Dictionary<string, string?> Teams = new()
    {
        ["Flows:Teams:sales:0"] = "ana",
        ["Flows:Teams:sales:1"] = "ben",
        ["Flows:Teams:sales:2"] = "cy",
        ["Flows:Teams:support:0"] = "dee",
        ["Flows:Teams:support:1"] = "eve",
    };

    private static async Task SayAsync(LiveHarness live, string conversation, string text, int processed)
    {
        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage($"m-{processed}", conversation, "u-" + conversation, text));
        response.EnsureSuccessStatusCode();
        await live.WaitForProcessedAsync(processed);
    }

    private static async Task<string?> AssigneeAsync(LiveHarness live, string conversation) =>
        (await live.Host.App.Services.GetRequiredService<IConversationStore>().FindAsync(conversation))?.Assignee;

    [Fact]
    public async Task Reload_RoundRobinTeam_TheNextConversationTakesTheNextMember()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flows.yaml"] = Flows }, Teams);
        await SayAsync(live, "c-1", "price?", 1);

        Assert.True(live.Host.App.Services.GetRequiredService<FlowHost>().Reload());
        await SayAsync(live, "c-2", "price?", 2);

        Assert.Equal(("ana", "ben"), (await AssigneeAsync(live, "c-1"), await AssigneeAsync(live, "c-2")));
    }

    [Fact]
    public async Task Close_LeastOpenTeam_TheClosedConversationNoLongerCounts()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flows.yaml"] = Flows }, Teams);
        await SayAsync(live, "c-1", "help!", 1);
        Assert.Equal("dee", await AssigneeAsync(live, "c-1"));

        await SayAsync(live, "c-1", "bye", 2);
        await SayAsync(live, "c-2", "help!", 3);

        Assert.Equal("dee", await AssigneeAsync(live, "c-2"));
    }

    [Fact]
    public async Task Restart_RoundRobinTeam_ContinuesOnTheSameDatabase()
    {
        using var file = new TempDatabase();
        await using (var first = new SqliteDatabase(file.ConnectionString))
        {
            await first.MigrateAsync();
            await Engine(first).HandleAsync(Event("c-1"));
        }

        await using var second = new SqliteDatabase(file.ConnectionString);
        await Engine(second).HandleAsync(Event("c-2"));

        var store = new SqliteConversationStore(second, TimeProvider.System);
        Assert.Equal(("ana", "ben"), ((await store.FindAsync("c-1"))?.Assignee, (await store.FindAsync("c-2"))?.Assignee));
    }

    private static InboundEvent Event(string conversation) =>
        new(conversation, "u-" + conversation, FlowEvent.TextReceived(TestClock.Start, "price?"), EventId: "m-" + conversation);

    private static FlowEngine Engine(SqliteDatabase database)
    {
        var time = new FlowAutomation.Scheduling.ManualTimeProvider(TestClock.Start);
        var options = new EngineOptions { Teams = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("sales", ["ana", "ben", "cy"]) };
        var flows = new FlowCompiler(options.Policy).CompileTexts(("flows.yaml", Flows)).Flows;
        return new FlowEngine(flows, new SqliteEngineStore(database, [], time, NullLogger<SqliteEngineStore>.Instance), time, options);
    }
}
