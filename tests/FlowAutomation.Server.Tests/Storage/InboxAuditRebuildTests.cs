using Dapper;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// Script 7 of the SQLite schema: the inbox and the audit log rebuilt without AUTOINCREMENT and the inbox's pending
/// index partial, on a database that already holds rows.
/// </summary>
public sealed class InboxAuditRebuildTests : IDisposable
{
    private readonly TempDatabase _legacy = new();

    public void Dispose() => _legacy.Dispose();

    [Fact]
    public async Task MigrateAsync_DatabaseWithInboxAndAuditRows_KeepsEveryRowWithItsSeq()
    {
        await CreateLegacyWithRowsAsync();
        var inboxBefore = await RowsAsync("SELECT * FROM inbox ORDER BY seq");
        var auditBefore = await RowsAsync("SELECT * FROM audit ORDER BY seq");

        await _legacy.Database.MigrateAsync();

        Assert.Equal(4, inboxBefore.Count);
        Assert.Equal(3, auditBefore.Count);
        Assert.Equal(inboxBefore, await RowsAsync("SELECT * FROM inbox ORDER BY seq"));
        Assert.Equal(auditBefore, await RowsAsync("SELECT * FROM audit ORDER BY seq"));
        var pending = await SqliteInboxTable.PendingAsync(_legacy.Database, CancellationToken.None);
        Assert.Equal([(5L, "{\"n\":5}"), (9L, "{\"n\":9}")], pending.Select(row => (row.Seq, row.Payload)));
        var trail = await new SqliteAuditLog(_legacy.Database).ReadAsync("c1");
        Assert.Equal([(2L, "fired", "f1"), (7L, null, null)], trail.Select(entry => (entry.Seq, entry.Status, entry.Flow)));
    }

    [Fact]
    public async Task MigrateAsync_RowsAddedAfterTheRebuild_TakeTheNextSeqAndNoSequenceRow()
    {
        await CreateLegacyWithRowsAsync();

        await _legacy.Database.MigrateAsync();
        await using var connection = new SqliteConnection(_legacy.ConnectionString);
        await connection.ExecuteAsync("""
            INSERT INTO inbox (dedup_key, provider, kind, received_at, payload, status) VALUES ('k-new', 'Infobip', 'InboundEnvelope', 10, '{}', 'pending');
            INSERT INTO audit (conversation_id, at, kind, record) VALUES ('c1', 10, 'event', '{}');
            """);

        Assert.Equal(10L, await connection.ExecuteScalarAsync<long>("SELECT MAX(seq) FROM inbox"));
        Assert.Equal(8L, await connection.ExecuteScalarAsync<long>("SELECT MAX(seq) FROM audit"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_sequence WHERE name IN ('inbox', 'audit')"));
    }

    [Fact]
    public async Task MigrateAsync_PendingScanAfterTheRebuild_ReadsThePartialIndexAndLeavesDoneRowsOut()
    {
        await CreateLegacyWithRowsAsync();

        await _legacy.Database.MigrateAsync();
        await using var connection = new SqliteConnection(_legacy.ConnectionString);
        var plan = await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(
            "EXPLAIN QUERY PLAN SELECT seq, kind, payload FROM inbox WHERE status = 'pending' ORDER BY seq");
        Assert.Equal(["SCAN inbox USING INDEX ix_inbox_pending"], plan.Select(row => row.Detail));
        await using (var writer = new SqliteConnection(_legacy.ConnectionString))
        {
            await writer.OpenAsync();
            await using var transaction = writer.BeginTransaction();
            Assert.True(await SqliteInboxTable.MarkDoneAsync(writer, transaction, 5, DateTimeOffset.UnixEpoch, CancellationToken.None));
            await transaction.CommitAsync();
        }
        var pending = await SqliteInboxTable.PendingAsync(_legacy.Database, CancellationToken.None);
        Assert.Equal([9L], pending.Select(row => row.Seq));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox INDEXED BY ix_inbox_pending WHERE status = 'pending'"));
    }

    /// <summary>
    /// A database of the pre-DbUp code's latest version whose inbox and audit rows have gaps in their seqs (as rows of
    /// rolled-back transactions leave none, the gaps are written explicitly): inbox 1 done, 5 pending, 6 recorded, 9
    /// pending; audit 2 and 7 of c1, 4 of c2.
    /// </summary>
    private async Task CreateLegacyWithRowsAsync()
    {
        await PreDbUpSchema.CreateAsync(_legacy.ConnectionString, PreDbUpSchema.Migrations.Length);
        await using var connection = new SqliteConnection(_legacy.ConnectionString);
        await connection.ExecuteAsync("""
            INSERT INTO inbox (seq, dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status, attempts, processed_at, last_error) VALUES
                (1, 'k1', 'Infobip', 'InboundEnvelope', 'c1', 'u1', 1, '{"n":1}', 'done', 1, 2, NULL),
                (5, 'k5', 'Infobip', 'InboundEnvelope', 'c1', 'u1', 3, '{"n":5}', 'pending', 0, NULL, NULL),
                (6, 'k6', 'Infobip', 'DeliveryReport', NULL, NULL, 4, '{"n":6}', 'recorded', 0, 4, NULL),
                (9, 'k9', 'TikTok', 'InboundEnvelope', 'c2', 'u2', 5, '{"n":9}', 'pending', 2, NULL, 'boom');
            INSERT INTO audit (seq, conversation_id, at, kind, flow, name, status, reason, detail, record, node) VALUES
                (2, 'c1', 1, 'rule', 'f1', 'message', 'fired', NULL, NULL, '{"kind":"rule"}', NULL),
                (4, 'c2', 2, 'action', 'f2', 'send', 'sent', 'ok', 'hi', '{"kind":"action"}', 'steps[0]'),
                (7, 'c1', 3, 'event', NULL, 'message', NULL, NULL, 'hello', '{"kind":"event"}', NULL);
            """);
    }

    /// <summary>Every row the query returns, its columns joined, NULL shown as such.</summary>
    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new SqliteConnection(_legacy.ConnectionString);
        var rows = await connection.QueryAsync(sql);
        return [.. rows.Select(row => string.Join("|", ((IDictionary<string, object?>)row).Select(column => column.Key + "=" + (column.Value ?? "NULL"))))];
    }
}
