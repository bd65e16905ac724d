using Dapper;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// PostgreSQL's script 5 (fewer index entries per event) on a database that has rows: the store's reads return the
/// same rows after it, and the inbox row's marker and the activity report read the indexes the script made.
/// </summary>
public sealed class PostgresIndexMigrationTests
{
    [Fact]
    public async Task MigratePostgresAsync_DatabaseAtScriptFourWithRows_KeepsTheReadsRowsAndTheMarkerReadsPendingSeq()
    {
        await using var temp = await TempPostgresDatabase.CreateEmptyAsync();
        Assert.True(temp.RunFirstScripts(4));
        await using (var seed = new NpgsqlConnection(temp.ConnectionString))
        {
            // 3,000 inbox rows over 300 conversations, every tenth still pending; six audit rows a millisecond (enough pages for a block range index to be read); outbox rows sent.
            await seed.ExecuteAsync("""
                INSERT INTO inbox (dedup_key, provider, kind, conversation_id, received_at, payload, status)
                SELECT 'k' || i, 'tiktok', 'InboundEnvelope', 'c' || (i % 300), i, '{"n":' || i || '}', CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'done' END
                FROM generate_series(1, 3000) AS i;
                INSERT INTO audit (conversation_id, at, kind, flow, name, status, record)
                SELECT 'c' || (i % 300), i / 6, CASE i % 3 WHEN 0 THEN 'event' WHEN 1 THEN 'rule' ELSE 'action' END, 'f' || (i % 4), 'n', 'ok', repeat('x', 300)
                FROM generate_series(1, 60000) AS i;
                INSERT INTO outbox (id, conversation_id, destination, content_type, text, created_at, expires_at, status, next_attempt_at, provider_message_id, completed_at)
                SELECT 'm' || i, 'c' || (i % 300), 'u', 'text', 't', i, i + 1000, 'Sent', i, 'p' || i, i FROM generate_series(1, 1500) AS i;
                ANALYZE inbox; ANALYZE audit; ANALYZE outbox;
                """);
        }
        var before = await ReadsAsync(temp);

        await SchemaMigrations.MigratePostgresAsync(temp.ConnectionString, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(before, await ReadsAsync(temp));
        await using var connection = new NpgsqlConnection(temp.ConnectionString);
        await connection.OpenAsync(); // one session: the prepared statements live in it
        await connection.ExecuteAsync("SET plan_cache_mode = force_generic_plan");
        // The marker's text as the engine commit's batch sends it (PostgresEngineCommit: MarkDoneSql with seq and at): $1 = at, $2 = seq.
        var marker = PostgresBatch.StatementOf(new { seq = 0L, at = 0L }.GetType(), SqliteInboxTable.MarkDoneSql);
        await connection.ExecuteAsync($"PREPARE marker(bigint, bigint) AS {marker.Sql}");
        Assert.Contains("Index Scan using ix_inbox_pending_seq", string.Join(" | ", await connection.QueryAsync<string>("EXPLAIN (COSTS OFF) EXECUTE marker(1, 30)")), StringComparison.Ordinal);
        Assert.Contains("ix_audit_at", string.Join(" | ", await connection.QueryAsync<string>("EXPLAIN (COSTS OFF) SELECT COUNT(*) FROM audit WHERE at >= 100 AND at <= 120")), StringComparison.Ordinal);
        Assert.Empty(await connection.QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE indexname IN ('ix_inbox_pending', 'outbox_seq_key')"));
        Assert.Equal(1, await connection.ExecuteAsync("EXECUTE marker(1, 30)"));
    }

    /// <summary>What the store reads from the seeded rows: pending conversations, a held conversation's pending rows, the activity report, an outbox row by provider id.</summary>
    private static async Task<List<string>> ReadsAsync(TempPostgresDatabase temp)
    {
        var reads = new List<string>();
        reads.AddRange(await PostgresInboxTable.PendingConversationsAsync(temp.Database, DateTimeOffset.FromUnixTimeMilliseconds(2000), 20, CancellationToken.None));
        await using (var connection = await temp.Database.OpenAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var held = await PostgresInboxTable.LockAndReadAsync(connection, transaction, "c30", wait: true, limit: 5, CancellationToken.None);
            Assert.NotNull(held);
            reads.AddRange(held.Rows.Select(r => $"{r.Seq}:{r.Payload}"));
        }
        var activity = await new AuditReader(temp.Database).ActivityAsync(DateTimeOffset.FromUnixTimeMilliseconds(100), DateTimeOffset.FromUnixTimeMilliseconds(400), CancellationToken.None);
        reads.AddRange(activity.Select(a => $"{a.Kind}/{a.Flow}/{a.Count}").Order(StringComparer.Ordinal));
        var sent = await new PostgresOutbox(temp.Database).FindByProviderMessageIdAsync("p77");
        reads.Add(sent?.Id ?? "none");
        Assert.Equal(20 + 5 + 12 + 1, reads.Count);
        return reads;
    }
}
