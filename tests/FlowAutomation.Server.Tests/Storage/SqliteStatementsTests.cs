using Dapper;
using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>The prepared commands and write statements kept per connection, and the follow-up insert that takes its order from the last row.</summary>
public sealed class SqliteStatementsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    public Task InitializeAsync() => _database.MigratedAsync();

    public async Task DisposeAsync()
    {
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Get_SameSqlOnOneConnection_SameCommandWithNewValues()
    {
        await using var connection = await _database.Database.OpenAsync();
        const string sql = "SELECT @a || '-' || COALESCE(@b, 'null')";

        var first = SqliteStatements.Get(connection, null, sql, "a", "b").Set(0, "x").Set(1, "y");
        var firstResult = first.ExecuteScalar();
        var second = SqliteStatements.Get(connection, null, sql, "a", "b").Set(0, "z").Set(1, null);
        var secondResult = second.ExecuteScalar();

        Assert.Same(first, second);
        Assert.Equal(("x-y", "z-null"), (firstResult, secondResult));
    }

    [Fact]
    public async Task Get_AnotherConnection_CommandOfItsOwn()
    {
        await using var one = await _database.Database.OpenAsync();
        await using var other = await _database.Database.OpenAsync();

        var onOne = SqliteStatements.Get(one, null, "SELECT 1");
        var onOther = SqliteStatements.Get(other, null, "SELECT 1");

        Assert.NotSame(onOne, onOther);
        Assert.Same(other, onOther.Connection);
    }

    [Fact]
    public async Task Write_EveryKindOfValue_SameStoredBytesAsACommandBindingByName()
    {
        await using var connection = await _database.Database.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE bound (id INTEGER PRIMARY KEY, v)");
        const string insert = "INSERT INTO bound (id, v) VALUES (@id, @v)";
        // Text as Microsoft.Data.Sqlite binds it (up to a NUL, a lone surrogate replaced), integers, booleans, null.
        object?[] values = ["", "plain", "Grüße 👋 <&>\"\n", "before\0after", "lone \ud800 surrogate", new string('é', 700), new string('a', 512), new string('a', 513), new string('a', 511) + "é", 0L, -42L, long.MaxValue, 7, true, false, null];

        for (var i = 0; i < values.Length; i++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = insert;
            command.Parameters.AddWithValue("@id", i);
            command.Parameters.AddWithValue("@v", values[i] ?? DBNull.Value);
            command.ExecuteNonQuery();
            Assert.Equal(1, SqliteStatements.Write(connection, null, insert, "id", "v").Set(0, 1000 + i).Set(1, values[i]).Execute());
        }
        var rows = (await connection.QueryAsync<(long Id, string Type, string? Hex)>("SELECT id, typeof(v), hex(v) FROM bound ORDER BY id")).ToList();

        Assert.Equal(values.Length * 2, rows.Count);
        Assert.Equal(rows.Take(values.Length).Select(r => (r.Type, r.Hex)), rows.Skip(values.Length).Select(r => (r.Type, r.Hex)));
    }

    [Fact]
    public async Task Write_NameUsedTwiceAndReturning_BindsBothPlacesAndReturnsTheRow()
    {
        await using var connection = await _database.Database.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE twice (seq INTEGER PRIMARY KEY, a, b, UNIQUE (a))");
        const string sql = "INSERT INTO twice (a, b) VALUES (@x, @x || @y) ON CONFLICT (a) DO NOTHING RETURNING seq";

        var first = SqliteStatements.Write(connection, null, sql, "x", "y").Set(0, "k").Set(1, "!").ExecuteInt64();
        var again = SqliteStatements.Write(connection, null, sql, "x", "y").Set(0, "k").Set(1, "?").ExecuteInt64();
        var changed = SqliteStatements.Write(connection, null, "UPDATE twice SET b = @b WHERE a = @a", "a", "b").Set(0, "k").Set(1, "new").Execute();
        var unchanged = SqliteStatements.Write(connection, null, "UPDATE twice SET b = @b WHERE a = @a", "a", "b").Set(0, "none").Set(1, "new").Execute();

        Assert.Equal((1L, (long?)null, 1, 0), (first, again, changed, unchanged));
        Assert.Equal("new", await connection.QuerySingleAsync<string>("SELECT b FROM twice"));
    }

    [Fact]
    public async Task Write_SqlParameterNotNamedOrTwoStatements_Refused()
    {
        await using var connection = await _database.Database.OpenAsync();

        Assert.Throws<ArgumentException>(() => SqliteStatements.Write(connection, null, "SELECT @a", "b"));
        Assert.Throws<ArgumentException>(() => SqliteStatements.Write(connection, null, "SELECT @a, @b", "a"));
        Assert.Throws<ArgumentException>(() => SqliteStatements.Write(connection, null, "SELECT 1; SELECT 2"));
    }

    [Fact]
    public async Task Write_NameTheSqlDoesNotUse_ItsValueIgnored()
    {
        await using var connection = await _database.Database.OpenAsync();

        var value = SqliteStatements.Write(connection, null, "SELECT @b", "a", "b").Set(0, "unused").Set(1, 5L).ExecuteInt64();

        Assert.Equal(5L, value);
    }

    [Fact]
    public async Task Write_ConstraintBroken_SqliteExceptionAndTheStatementStillRuns()
    {
        await using var connection = await _database.Database.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE strict_rows (id INTEGER PRIMARY KEY, v NOT NULL)");
        const string insert = "INSERT INTO strict_rows (id, v) VALUES (@id, @v)";

        var error = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => SqliteStatements.Write(connection, null, insert, "id", "v").Set(0, 1).Set(1, null).Execute());
        var inserted = SqliteStatements.Write(connection, null, insert, "id", "v").Set(0, 1).Set(1, "ok").Execute();

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(1, inserted);
    }

    [Fact]
    public async Task Write_ConnectionOpenedAgain_PreparedOnTheNewHandle()
    {
        await using var connection = await _database.Database.OpenAsync();
        var before = SqliteStatements.Write(connection, null, "SELECT 1");
        connection.Close();
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
        await connection.OpenAsync();

        var after = SqliteStatements.Write(connection, null, "SELECT 1");

        Assert.NotSame(before, after);
        Assert.Same(connection.Handle, after.Db);
        Assert.Equal(1L, after.ExecuteInt64());
    }

    [Fact]
    public async Task Read_EveryKindOfValue_SameValuesAsADataReader()
    {
        await using var connection = await _database.Database.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE stored (id INTEGER PRIMARY KEY, v)");
        object?[] values = ["", "plain", "Grüße 👋 <&>\"\n", "before\0after", new string('é', 700), 0L, -42L, long.MaxValue, long.MinValue, 1.5, null];
        for (var i = 0; i < values.Length; i++)
            await connection.ExecuteAsync("INSERT INTO stored (id, v) VALUES (@id, @v)", new { id = i, v = values[i] });
        const string sql = "SELECT v, id FROM stored WHERE id >= @from ORDER BY id";

        var expected = new List<(bool, string, string)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            command.Parameters.AddWithValue("@from", 0);
            await using var reader = await command.ExecuteReaderAsync();
            while (reader.Read())
                expected.Add((reader.IsDBNull(0), TextOf(reader, 0), IntegerOf(reader, 0)));
        }
        var actual = new List<(bool, string, string)>();
        using (var rows = SqliteStatements.Read(connection, sql, "from").Set(0, 0L).Query())
        {
            while (rows.Read())
                actual.Add((rows.IsNull(0), TextOf(rows, 0), IntegerOf(rows, 0)));
        }

        Assert.Equal(values.Length, actual.Count);
        Assert.Equal(expected, actual);
        Assert.Contains((false, "before\0after", "0"), actual);
        Assert.Contains((false, long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)), actual);
        Assert.Equal((true, nameof(InvalidOperationException), nameof(InvalidOperationException)), actual[^1]);
    }

    [Fact]
    public async Task Read_SameSqlAgain_SameStatementWithNewValuesAndNoRowAsNoRow()
    {
        await using var connection = await _database.Database.OpenAsync();
        const string sql = "SELECT @a || '-' || COALESCE(@b, 'null') WHERE @a <> 'none'";

        var first = SqliteStatements.Read(connection, sql, "a", "b").Set(0, "x").Set(1, "y");
        string? firstValue;
        using (var rows = first.Query())
            firstValue = rows.Read() ? rows.GetString(0) : null;
        var second = SqliteStatements.Read(connection, sql, "a", "b").Set(0, "z").Set(1, (string?)null);
        string? secondValue;
        using (var rows = second.Query())
            secondValue = rows.Read() ? rows.GetString(0) : null;
        bool anyRow;
        using (var rows = SqliteStatements.Read(connection, sql, "a", "b").Set(0, "none").Query())
            anyRow = rows.Read();

        Assert.Same(first, second);
        Assert.Equal(("x-y", "z-null", false), (firstValue, secondValue, anyRow));
    }

    [Fact]
    public async Task Read_ThrowsMidRead_StatementResetSoAWriterCheckpointsAndTheReadRunsAgain()
    {
        await using var reader = await _database.Database.OpenAsync();
        await reader.ExecuteAsync("CREATE TABLE many (id INTEGER PRIMARY KEY)");
        await reader.ExecuteAsync("INSERT INTO many (id) VALUES (1), (2), (3)");
        const string sql = "SELECT id FROM many ORDER BY id";

        var seen = new List<long>();
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var rows = SqliteStatements.Read(reader, sql).Query();
            while (rows.Read())
            {
                seen.Add(rows.GetInt64(0));
                throw new InvalidOperationException("stops mid-read");
            }
        });
        // A statement left mid-way would hold its snapshot: the writer's checkpoint could not get past it (busy = 1).
        await using var writer = await _database.Database.OpenAsync();
        await writer.ExecuteAsync("INSERT INTO many (id) VALUES (4)");
        var (busy, _, _) = await writer.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(TRUNCATE)");
        var again = new List<long>();
        using (var rows = SqliteStatements.Read(reader, sql).Query())
        {
            while (rows.Read())
                again.Add(rows.GetInt64(0));
        }

        Assert.Equal([1L], seen);
        Assert.Equal(0L, busy);
        Assert.Equal([1L, 2L, 3L, 4L], again);
    }

    [Fact]
    public async Task Read_StepFails_SqliteExceptionAndTheStatementStillRuns()
    {
        await using var connection = await _database.Database.OpenAsync();
        // abs() of the smallest integer overflows: the step fails at that row, after the rows before it.
        await connection.ExecuteAsync("CREATE TABLE numbers (id INTEGER PRIMARY KEY, n INTEGER)");
        await connection.ExecuteAsync("INSERT INTO numbers (id, n) VALUES (1, -5), (2, -9223372036854775808)");
        const string sql = "SELECT abs(n) FROM numbers WHERE id <= @last ORDER BY id";

        var seen = new List<long>();
        var error = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() =>
        {
            using var rows = SqliteStatements.Read(connection, sql, "last").Set(0, 2L).Query();
            while (rows.Read())
                seen.Add(rows.GetInt64(0));
        });
        long? after;
        using (var rows = SqliteStatements.Read(connection, sql, "last").Set(0, 1L).Query())
            after = rows.Read() ? rows.GetInt64(0) : null;

        Assert.Equal([5L], seen);
        Assert.Contains("integer overflow", error.Message, StringComparison.Ordinal);
        Assert.Equal(5L, after);
    }

    [Fact]
    public async Task ReadAsync_ReaderNotKept_ItsStatementsFinalizedWithTheConnection()
    {
        // Every kept place filled, a read that ran alongside them returns to a full stack: its connection is closed.
        using var inside = new CountdownEvent(SqliteDatabase.KeptReaders + 1);
        using var holdOthers = new ManualResetEventSlim();
        using var holdLast = new ManualResetEventSlim();
        var others = Enumerable.Range(0, SqliteDatabase.KeptReaders)
            .Select(_ => OnItsOwnThread(() => _database.Database.ReadAsync(connection => { inside.Signal(); holdOthers.Wait(); return 0L; })))
            .ToList();
        Microsoft.Data.Sqlite.SqliteConnection? own = null;
        SqliteStatement? statement = null;
        var last = OnItsOwnThread(() => _database.Database.ReadAsync(connection =>
        {
            own = connection;
            inside.Signal();
            holdLast.Wait();
            statement = SqliteStatements.Read(connection, "SELECT 41 + 1");
            using var rows = statement.Query();
            return rows.Read() ? rows.GetInt64(0) : 0L;
        }));
        Assert.True(inside.Wait(TimeSpan.FromMinutes(1)));
        holdOthers.Set();
        await Task.WhenAll(others);
        holdLast.Set();
        var value = await last;

        Assert.Equal(42L, value);
        Assert.Equal(System.Data.ConnectionState.Closed, own?.State);
        Assert.True(statement?.Finalized);
    }

    private static Task<long> OnItsOwnThread(Func<Task<long>> read) =>
        Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private static string TextOf(Microsoft.Data.Sqlite.SqliteDataReader reader, int column)
    {
        try { return reader.GetString(column); } catch (Exception e) { return e.GetType().Name; }
    }

    private static string IntegerOf(Microsoft.Data.Sqlite.SqliteDataReader reader, int column)
    {
        try { return reader.GetInt64(column).ToString(System.Globalization.CultureInfo.InvariantCulture); } catch (Exception e) { return e.GetType().Name; }
    }

    private static string TextOf(SqliteRows rows, int column)
    {
        try { return rows.GetString(column); } catch (Exception e) { return e.GetType().Name; }
    }

    private static string IntegerOf(SqliteRows rows, int column)
    {
        try { return rows.GetInt64(column).ToString(System.Globalization.CultureInfo.InvariantCulture); } catch (Exception e) { return e.GetType().Name; }
    }

    [Fact]
    public async Task FollowUpInsert_SeveralRows_SeqGrowsInInsertionOrder()
    {
        var store = new SqliteFollowUpStore(_database.Database);
        var due = Now.AddHours(1);
        foreach (var conversation in new[] { "c-3", "c-1", "c-2" })
            Assert.True(await store.InsertAsync(new FollowUpJob(conversation, "u-1", "nudge", "nudge#1", Now, due, FlowEvent.TextReceived(Now, "hi")), Now, default));
        // A follow-up written before is left as it is, and takes no number.
        Assert.False(await store.InsertAsync(new FollowUpJob("c-1", "u-1", "nudge", "nudge#1", Now, due, FlowEvent.TextReceived(Now, "hi")), Now, default));

        await using var connection = await _database.Database.OpenAsync();
        var rows = (await connection.QueryAsync<(string Conversation, long Seq)>("SELECT conversation_id, seq FROM follow_ups ORDER BY due_at, seq")).ToList();

        Assert.Equal([("c-3", 1L), ("c-1", 2L), ("c-2", 3L)], rows);
    }
}
