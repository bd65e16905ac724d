using Dapper;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>The DbUp scripts of both providers: new databases, databases the pre-DbUp code made, nodes starting together.</summary>
public sealed class SchemaMigrationTests : IDisposable
{
    private readonly TempDatabase _legacy = new();
    private readonly TempDatabase _fresh = new();
    private readonly List<TempDatabase> _others = [];

    public void Dispose()
    {
        _legacy.Dispose();
        _fresh.Dispose();
        foreach (var other in _others)
            other.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task MigrateAsync_DatabaseOfThePreDbUpCode_RunsOnlyTheScriptsItLacksAndKeepsItsRows(int oldVersion)
    {
        await PreDbUpSchema.CreateAsync(_legacy.ConnectionString, oldVersion);
        await using (var connection = new SqliteConnection(_legacy.ConnectionString))
        {
            await connection.ExecuteAsync("""
                INSERT INTO outbox (id, destination, content_type, text, created_at, expires_at, status, next_attempt_at)
                VALUES ('m1', 'user-1', 'TEXT', 'kept', 0, 1, 'Pending', 0)
                """);
        }

        var scripts = await _legacy.Database.MigrateAsync();

        Assert.Equal(SchemaMigrations.ScriptNames("Sqlite").Count, scripts);
        Assert.Equal(await LatestSchemaAsync(), await SchemaOfAsync(_legacy.ConnectionString));
        Assert.Equal("kept", (await new SqliteOutbox(_legacy.Database).FindAsync("m1"))?.Message.Content is FlowAutomation.Model.TextContent t ? t.Text : null);
        Assert.Equal(scripts, await _legacy.Database.MigrateAsync());
    }

    [Fact]
    public async Task MigrateAsync_NewDatabase_HasThePreDbUpCodesTablesLessTheUnreadIndexesWithInboxAndAuditRebuilt()
    {
        await _fresh.Database.MigrateAsync();

        Assert.Equal(await LatestSchemaAsync(), await SchemaOfAsync(_fresh.ConnectionString));
        await using var connection = new SqliteConnection(_fresh.ConnectionString);
        var journal = (await connection.QueryAsync<string>($"SELECT ScriptName FROM {SchemaMigrations.JournalTable} ORDER BY ScriptName")).ToList();
        Assert.Equal(SchemaMigrations.ScriptNames("Sqlite"), journal);
    }

    [Fact]
    public async Task MigratePostgresAsync_ThreeNodesStartingTogether_RunEachScriptOnce()
    {
        await using var temp = await TempPostgresDatabase.CreateEmptyAsync();
        var database = temp.ConnectionString;

        var counts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => SchemaMigrations.MigratePostgresAsync(database, NullLogger.Instance, CancellationToken.None))));

        Assert.All(counts, count => Assert.Equal(SchemaMigrations.ScriptNames("Postgres").Count, count));
        await using var connection = new NpgsqlConnection(database);
        Assert.Equal(SchemaMigrations.ScriptNames("Postgres").Count, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {SchemaMigrations.JournalTable}"));
    }

    [Fact]
    public async Task MigratePostgresAsync_NewDatabase_HasSqlitesTablesAndColumns()
    {
        await using var temp = await TempPostgresDatabase.CreateEmptyAsync();
        var database = temp.ConnectionString;
        await SchemaMigrations.MigratePostgresAsync(database, NullLogger.Instance, CancellationToken.None);
        await _fresh.Database.MigrateAsync();

        await using var postgres = new NpgsqlConnection(database);
        var postgresColumns = (await postgres.QueryAsync<string>($"""
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> '{SchemaMigrations.JournalTable}'
            """)).Order(StringComparer.Ordinal).ToList();
        await using var sqlite = new SqliteConnection(_fresh.ConnectionString);
        var sqliteColumns = (await sqlite.QueryAsync<string>($"""
            SELECT m.name || '.' || c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
            WHERE m.type = 'table' AND m.name NOT IN ('{SchemaMigrations.JournalTable}', 'sqlite_sequence')
            """)).Order(StringComparer.Ordinal).ToList();
        // PostgreSQL has no rowid: its outbox keeps the insertion order in a column.
        Assert.Equal(sqliteColumns, postgresColumns.Where(c => c != "outbox.seq"));
    }

    [Fact]
    public async Task MigrateAsync_DatabaseWithConversations_DropsTheUnreadIndexesAndKeepsRowsAndPlans()
    {
        await PreDbUpSchema.CreateAsync(_legacy.ConnectionString, PreDbUpSchema.Migrations.Length);
        await using (var connection = new SqliteConnection(_legacy.ConnectionString))
        {
            await connection.ExecuteAsync("""
                INSERT INTO conversations (id, version, contact_id, contact_name, assignee, team, closed, updated_at, state)
                VALUES ('c1', 1, 'u1', 'Ann', 'agent-a', 't', 0, 1, '{}'), ('c2', 1, 'u2', 'Bob', 'agent-a', 't', 1, 2, '{}'),
                       ('c3', 1, 'u3', 'Cy', 'agent-b', 't', 0, 3, '{}'), ('c4', 1, 'u4', NULL, NULL, NULL, 0, 4, '{}')
                """);
        }
        var plansBefore = await PlansAsync(_legacy.ConnectionString);

        await _legacy.Database.MigrateAsync();

        Assert.Equal(plansBefore, await PlansAsync(_legacy.ConnectionString));
        Assert.Contains(plansBefore, plan => plan.Contains("INDEX ix_conversations_open_assignee", StringComparison.Ordinal));
        var schema = await SchemaOfAsync(_legacy.ConnectionString);
        Assert.DoesNotContain(schema, row => UnreadIndexes.Any(index => row.StartsWith(index + ":", StringComparison.Ordinal)));
        var open = await new SqliteConversationStore(_legacy.Database, TimeProvider.System).CountOpenAsync(["agent-a", "agent-b", "agent-c"]);
        Assert.Equal(new Dictionary<string, int> { ["agent-a"] = 1, ["agent-b"] = 1, ["agent-c"] = 0 }, open);
        await using var migrated = new SqliteConnection(_legacy.ConnectionString);
        Assert.Equal(["c1:u1", "c2:u2", "c3:u3", "c4:u4"], await migrated.QueryAsync<string>("SELECT id || ':' || contact_id FROM conversations ORDER BY id"));
        var found = await new AuditReader(_legacy.Database).FindConversationsAsync("u", 2);
        Assert.Equal(["c4", "c3"], found.Select(c => c.Id));
    }

    [Fact]
    public async Task MigratePostgresAsync_DatabaseAtScriptThreeWithConversations_DropsTheUnreadIndexesAndKeepsRowsAndPlans()
    {
        await using var temp = await TempPostgresDatabase.CreateEmptyAsync();
        var database = temp.ConnectionString;
        Assert.True(temp.RunFirstScripts(3));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(); // one session: the plans' prepared statements live in it
        await connection.ExecuteAsync("""
            INSERT INTO conversations (id, version, contact_id, contact_name, assignee, team, closed, updated_at, state)
            SELECT 'c' || i, 1, 'u' || i, 'Name ' || i, 'agent-' || (i % 50), 't', i % 3 = 0, i, '{}' FROM generate_series(1, 5000) AS i;
            ANALYZE conversations;
            """);
        var plansBefore = await PostgresPlansAsync(connection);

        await SchemaMigrations.MigratePostgresAsync(database, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(plansBefore, await PostgresPlansAsync(connection));
        Assert.Contains(plansBefore, plan => plan.Contains("ix_conversations_open_assignee", StringComparison.Ordinal));
        Assert.Empty(await connection.QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE indexname = ANY(@names)", new { names = UnreadIndexes }));
        Assert.Equal(5000, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations WHERE id = 'c' || substr(contact_id, 2)"));
        await using var service = new PostgresDatabase(database);
        var open = await new PostgresConversationStore(service, TimeProvider.System).CountOpenAsync(["agent-1", "agent-none"]);
        Assert.Equal(new Dictionary<string, int> { ["agent-1"] = 67, ["agent-none"] = 0 }, open); // i = 1, 51, …, 4951 less the 33 closed (i % 3 = 0)
    }

    [Fact]
    public async Task MigratePostgresAsync_NewDatabase_ExpectOneFailsWithTheGivenStateUnlessOneRowChanged()
    {
        await using var temp = await TempPostgresDatabase.CreateEmptyAsync();
        await SchemaMigrations.MigratePostgresAsync(temp.ConnectionString, NullLogger.Instance, CancellationToken.None);
        await using var connection = new NpgsqlConnection(temp.ConnectionString);

        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT flowautomation_expect_one(1, 'FA002')"));
        var none = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteScalarAsync<long>("SELECT flowautomation_expect_one(0, 'FA002')"));
        var two = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteScalarAsync<long>("SELECT flowautomation_expect_one(2, 'FA001')"));
        Assert.Equal(("FA002", "FA001"), (none.SqlState, two.SqlState));
    }

    /// <summary>The plans PostgreSQL picks for the queries the service runs on the conversations table (generic plans, as a prepared statement's).</summary>
    private static async Task<List<string>> PostgresPlansAsync(NpgsqlConnection connection)
    {
        string[] queries =
        [
            "PREPARE q1(text) AS SELECT version, state FROM conversations WHERE id = $1",
            "PREPARE q2(text[]) AS SELECT assignee, COUNT(*) FROM conversations WHERE NOT closed AND assignee = ANY($1) GROUP BY assignee",
            """
            PREPARE q3(text, int) AS SELECT id, contact_id, contact_name, updated_at FROM conversations
            WHERE $1 IS NULL OR id LIKE $1 || '%' ESCAPE '\' OR contact_id LIKE $1 || '%' ESCAPE '\' OR contact_name LIKE '%' || $1 || '%' ESCAPE '\'
            ORDER BY updated_at DESC, id LIMIT $2
            """,
        ];
        string[] executions = ["EXECUTE q1('c1')", "EXECUTE q2(ARRAY['agent-1', 'agent-2'])", "EXECUTE q3('u12', 50)"];
        var plans = new List<string>();
        await connection.ExecuteAsync("DEALLOCATE ALL; SET plan_cache_mode = force_generic_plan");
        foreach (var (query, execution) in queries.Zip(executions))
        {
            await connection.ExecuteAsync(query);
            plans.Add(string.Join(" | ", await connection.QueryAsync<string>("EXPLAIN (COSTS OFF) " + execution)));
        }
        return plans;
    }

    /// <summary>The indexes script 6 drops: read by no query, rewritten by every event's UPDATE of its conversation.</summary>
    private static readonly string[] UnreadIndexes = ["ix_conversations_assignee", "ix_conversations_contact"];

    /// <summary>The plan SQLite picks for each query the service runs on the conversations table.</summary>
    private static async Task<List<string>> PlansAsync(string connectionString)
    {
        string[] queries =
        [
            "SELECT version, state FROM conversations WHERE id = 'c1'",
            "SELECT assignee, COUNT(*) FROM conversations WHERE closed = 0 AND assignee IN ('agent-a', 'agent-b') GROUP BY assignee",
            """
            SELECT id, contact_id, contact_name, updated_at FROM conversations
            WHERE 'u' IS NULL OR id LIKE 'u' || '%' ESCAPE '\' OR contact_id LIKE 'u' || '%' ESCAPE '\' OR contact_name LIKE '%' || 'u' || '%' ESCAPE '\'
            ORDER BY updated_at DESC, id LIMIT 2
            """,
        ];
        await using var connection = new SqliteConnection(connectionString);
        var plans = new List<string>();
        foreach (var query in queries)
        {
            var rows = await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + query);
            plans.Add(string.Join(" | ", rows.Select(r => r.Detail)));
        }
        return plans;
    }

    /// <summary>
    /// The schema the pre-DbUp code made at its latest version, less the indexes script 6 drops, with the inbox and the
    /// audit log as script 7 rebuilds them: no AUTOINCREMENT, the pending index partial; their other indexes as before.
    /// </summary>
    private async Task<List<string>> LatestSchemaAsync() =>
        [.. (await SchemaOfAsync(PreDbUpDatabaseAsync))
            .Where(row => !UnreadIndexes.Any(index => row.StartsWith(index + ":", StringComparison.Ordinal)))
            .Select(row => RebuiltBySeven.FirstOrDefault(rebuilt => row.StartsWith(rebuilt.Split(':')[0] + ":", StringComparison.Ordinal)) ?? row)];

    /// <summary>The rows of <see cref="SchemaOfAsync(string)"/> that script 7 changes, as it leaves them.</summary>
    private static readonly string[] RebuiltBySeven =
    [
        "audit: CREATE TABLE \"audit\" ( seq INTEGER PRIMARY KEY, conversation_id TEXT, at INTEGER NOT NULL, kind TEXT NOT NULL, flow TEXT, name TEXT, " +
            "status TEXT, reason TEXT, detail TEXT, record TEXT NOT NULL, node TEXT )",
        "inbox: CREATE TABLE \"inbox\" ( seq INTEGER PRIMARY KEY, dedup_key TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, kind TEXT NOT NULL, " +
            "conversation_id TEXT, contact_id TEXT, received_at INTEGER NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, " +
            "attempts INTEGER NOT NULL DEFAULT 0, processed_at INTEGER, last_error TEXT )",
        "ix_inbox_pending: CREATE INDEX ix_inbox_pending ON inbox (seq) WHERE status = 'pending'",
    ];

    /// <summary>A database the pre-DbUp code made at its latest version.</summary>
    private async Task<string> PreDbUpDatabaseAsync()
    {
        var other = new TempDatabase();
        _others.Add(other);
        await PreDbUpSchema.CreateAsync(other.ConnectionString, PreDbUpSchema.Migrations.Length);
        return other.ConnectionString;
    }

    /// <summary>Every table and index with its SQL (whitespace folded), less the migration bookkeeping.</summary>
    private static async Task<List<string>> SchemaOfAsync(Func<Task<string>> database) => await SchemaOfAsync(await database());

    private static async Task<List<string>> SchemaOfAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        var rows = await connection.QueryAsync<(string Name, string? Sql)>($"""
            SELECT name, sql FROM sqlite_master
            WHERE name NOT IN ('schema_versions', '{SchemaMigrations.JournalTable}', 'sqlite_sequence') AND name NOT LIKE 'sqlite_autoindex_%'
            ORDER BY name
            """);
        return [.. rows.Select(r => r.Name + ": " + string.Join(' ', (r.Sql ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))];
    }
}
