using System.Text;
using Dapper;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.State;
using FlowAutomation.Tests.State;

namespace FlowAutomation.Server.Tests.Storage;

public sealed class SqliteConversationStoreTests : ConversationStoreContractTests, IAsyncLifetime
{
    private readonly TempDatabase _database = new();

    public Task InitializeAsync() => _database.MigratedAsync();

    public async Task DisposeAsync()
    {
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }

    protected override Task<IConversationStore> CreateStoreAsync() =>
        Task.FromResult<IConversationStore>(new SqliteConversationStore(_database.Database, TimeProvider.System));

    [Fact]
    public async Task FindAsync_RuntimeState_RoundTripsContactProfileAndFlowsFired()
    {
        var store = await CreateStoreAsync();
        var state = ConversationState.New("c-runtime")
            .WithContact("u-1001", "Ann Lee", "SG", "en")
            .RecordFired("welcome", T0 + TimeSpan.FromTicks(12345))
            .RecordFired("price-inquiry", T0 + TimeSpan.FromMinutes(7));

        await store.TrySaveAsync(state);
        var found = (await store.FindAsync("c-runtime"))!;

        AssertSameState(state with { Version = 1 }, found);
        Assert.Equal(T0 + TimeSpan.FromTicks(12345), found.FlowsFired["welcome"]);
    }

    [Fact]
    public async Task TrySaveAsync_InsertThenUpdate_StoredTextIsTheSerializersJson()
    {
        // The state is bound as the UTF-8 its writer made (no string between): the stored value is still text, the
        // serializer's JSON byte for byte, escaping and non-ASCII included.
        var store = await CreateStoreAsync();
        var state = ConversationState.New("c-bytes", "u-1").WithContact("u-1", "Zoë \"Ann\" <Lee> 👋", "SG", "en").WithTag("VIP").WithTag("ärger");
        var inserted = (await store.TrySaveAsync(state))!;
        var insertedRow = await StoredStateAsync("c-bytes");
        var updated = (await store.TrySaveAsync(inserted.WithTag("später")))!;

        Assert.Equal(("text", Convert.ToHexString(Encoding.UTF8.GetBytes(StoreJson.Serialize(inserted)))), insertedRow);
        Assert.Equal(("text", Convert.ToHexString(Encoding.UTF8.GetBytes(StoreJson.Serialize(updated)))), await StoredStateAsync("c-bytes"));
    }

    private async Task<(string Type, string Hex)> StoredStateAsync(string id)
    {
        await using var connection = await _database.Database.OpenAsync();
        return await connection.QuerySingleAsync<(string, string)>("SELECT typeof(state), hex(state) FROM conversations WHERE id = @id", new { id });
    }

    [Fact]
    public async Task TrySaveAsync_SavedState_IsReadableByANewStoreOnTheSameFile()
    {
        var store = await CreateStoreAsync();
        await store.TrySaveAsync(ConversationState.New("c-1", "u-1").WithTag("VIP").WithField("Email", "a@example.com"));

        var reopened = new SqliteConversationStore(new SqliteDatabase(_database.ConnectionString), TimeProvider.System);
        var found = await reopened.FindAsync("c-1");

        Assert.Equal("u-1", found?.ContactId);
        Assert.Contains("vip", found!.Tags);
        Assert.Equal("a@example.com", found.Fields["email"]);
    }

    [Fact]
    public async Task FindTurnsAsync_NewStoreOnTheSameFile_KeepsTheTurns()
    {
        var store = await CreateStoreAsync();
        await store.TrySaveAsync(ConversationState.New("c-1").AssignTo("ana", "sales"), [new TeamTurn("sales", 0, 1)]);

        var reopened = new SqliteConversationStore(new SqliteDatabase(_database.ConnectionString), TimeProvider.System);

        Assert.Equal(1, (await reopened.FindTurnsAsync(["sales"]))["sales"]);
        Assert.Equal(1, (await reopened.CountOpenAsync(["ana"]))["ana"]);
    }

    [Fact]
    public async Task MigrateAsync_FromThePreDbUpVersion2_MarksClosedConversationsFromTheirState()
    {
        using var legacy = new TempDatabase();
        await PreDbUpSchema.CreateAsync(legacy.ConnectionString, 2);
        await using (var connection = await legacy.Database.OpenAsync())
        {
            foreach (var state in new[] { ConversationState.New("c-open").AssignTo("ana", "sales"), ConversationState.New("c-closed").AssignTo("ana", "sales").MarkClosed() })
            {
                await connection.ExecuteAsync(
                    "INSERT INTO conversations (id, version, assignee, team, updated_at, state) VALUES (@id, 1, 'ana', 'sales', 0, @json)",
                    new { id = state.ConversationId, json = StoreJson.SerializeState(state with { Version = 1 }) });
            }
        }

        await legacy.Database.MigrateAsync();

        Assert.Equal(1, (await new SqliteConversationStore(legacy.Database, TimeProvider.System).CountOpenAsync(["ana"]))["ana"]);
    }
}
