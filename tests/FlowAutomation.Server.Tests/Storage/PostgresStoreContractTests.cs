using Dapper;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.State;
using FlowAutomation.Tests.State;
using Npgsql;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>The conversation store's contract on PostgreSQL.</summary>
public sealed class PostgresConversationStoreTests : ConversationStoreContractTests, IAsyncLifetime
{
    private TempPostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TempPostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    protected override Task<IConversationStore> CreateStoreAsync() =>
        Task.FromResult<IConversationStore>(new PostgresConversationStore(_database.Database, TimeProvider.System));

    [Fact]
    public async Task TrySaveAsync_TwoNodesSaveTheSameVersionAtOnce_ExactlyOneWins()
    {
        var store = await CreateStoreAsync();
        var saved = await store.TrySaveAsync(ConversationState.New("c-race"));
        await using var other = new PostgresDatabase(_database.ConnectionString);
        var otherNode = new PostgresConversationStore(other, TimeProvider.System);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? store : otherNode).TrySaveAsync(saved! with { ContactName = $"writer {i}" }))));

        Assert.Single(results, r => r is not null);
        Assert.Equal(2, (await store.FindAsync("c-race"))!.Version);
    }
}

/// <summary>The dedup store's contract on PostgreSQL.</summary>
public sealed class PostgresDedupStoreTests : DedupStoreContractTests, IAsyncLifetime
{
    private TempPostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TempPostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    protected override Task<IDedupStore> CreateStoreAsync() => Task.FromResult<IDedupStore>(new PostgresDedupStore(_database.Database));
}

/// <summary>The outbox's contract on PostgreSQL, and claims by two nodes at once.</summary>
public sealed class PostgresOutboxTests : OutboxContractTests, IAsyncLifetime
{
    private TempPostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TempPostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    protected override Task<IOutbox> CreateOutboxAsync() => Task.FromResult<IOutbox>(new PostgresOutbox(_database.Database));

    [Fact]
    public async Task ClaimDueAsync_TwoNodesClaimingAtOnce_TakeEachRowOnceAndEachConversationsOldestOnly()
    {
        var outbox = await CreateOutboxAsync();
        for (var i = 0; i < 60; i++)
            await outbox.EnqueueAsync(Message($"m{i}", $"c{i % 30}"));
        await using var other = new PostgresDatabase(_database.ConnectionString);
        var nodes = new IOutbox[] { outbox, new PostgresOutbox(other) };

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            await nodes[i % 2].ClaimDueAsync(T0, 10, TimeSpan.FromMinutes(1)))));

        var ids = claims.SelectMany(c => c).Select(e => e.Message.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(30, ids.Count);
        Assert.All(ids, id => Assert.True(int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) < 30, $"{id} is not its conversation's oldest"));
    }

    [Fact]
    public async Task ClaimDueAsyncAndRecordAsync_CommitInTheirBatch_AnotherNodeSeesEachAtOnceAndNoTransactionStaysOpen()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("m1", "c1"));
        await outbox.EnqueueAsync(Message("m2", "c2"));
        await using var other = new PostgresDatabase(_database.ConnectionString);
        var otherNode = new PostgresOutbox(other);

        var claimed = await outbox.ClaimDueAsync(T0, 10, TimeSpan.FromMinutes(1));
        var seenClaimed = await Task.WhenAll(claimed.Select(e => otherNode.FindAsync(e.Id).AsTask()));
        var againByOther = await otherNode.ClaimDueAsync(T0, 10, TimeSpan.FromMinutes(1));
        var recorded = await outbox.RecordAsync([OutboxOutcome.Sent("m1", "p-1", T0), OutboxOutcome.Failed("m2", "rejected", T0)]);
        var seenRecorded = await Task.WhenAll(claimed.Select(e => otherNode.FindAsync(e.Id).AsTask()));

        Assert.Equal(["m1", "m2"], claimed.Select(e => e.Id).Order());
        Assert.All(seenClaimed, e => Assert.Equal(OutboxStatus.InFlight, e!.Status));
        Assert.Empty(againByOther);
        Assert.Equal(2, recorded);
        Assert.Equal([OutboxStatus.Sent, OutboxStatus.Failed], seenRecorded.Select(e => e!.Status));
        await using var connection = await other.OpenAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));
    }

    [Fact]
    public async Task ClaimDueAsync_MostRowsSent_ReadsOnlyTheIndexesOfUnfinishedRows()
    {
        var outbox = await CreateOutboxAsync();
        for (var i = 0; i < 600; i++)
            await outbox.EnqueueAsync(Message($"m{i}", $"c{i % 200}"));
        for (var pass = 0; pass < 3; pass++)
        {
            var claimed = await outbox.ClaimDueAsync(T0, 190, TimeSpan.FromMinutes(1));
            await outbox.RecordAsync([.. claimed.Select(e => OutboxOutcome.Sent(e.Message.Id, "p-" + e.Message.Id, T0))]);
        }
        await using var connection = await _database.Database.OpenAsync();
        await connection.ExecuteAsync("ANALYZE outbox");
        await using var transaction = await connection.BeginTransactionAsync();
        var explain = new NpgsqlBatchCommand("EXPLAIN " + PostgresOutbox.ClaimSql);
        explain.Parameters.Add(new NpgsqlParameter<long>("now", T0.ToUnixTimeMilliseconds()));
        explain.Parameters.Add(new NpgsqlParameter<long>("leaseUntil", (T0 + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds()));
        explain.Parameters.Add(new NpgsqlParameter<int>("maxCount", 256));

        var lines = new List<string>();
        await using (var batch = PostgresOutbox.IndexScansOnly(connection, transaction, explain))
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                lines.Add(reader.GetString(0));
        }
        var plan = string.Join("\n", lines);

        Assert.Contains("ix_outbox_unfinished_due on outbox c", plan, StringComparison.Ordinal);
        Assert.Contains("ix_outbox_unfinished_conversation on outbox e", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Bitmap", plan, StringComparison.Ordinal);
    }
}
