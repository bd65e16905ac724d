using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// A statement prepared once on a connection's SQLite handle and run straight through SQLitePCL, its
/// parameters bound by index. Microsoft.Data.Sqlite binds a command's parameters by name on every execution
/// (<c>sqlite3_bind_parameter_index</c>, which compares the name with the statement's names one by one: 160 look-ups
/// for a full audit insert) and builds a data reader for each <c>ExecuteNonQuery</c>; here each parameter's index is
/// looked up once, when the statement is prepared. Values bind as Microsoft.Data.Sqlite binds them: text as UTF-8 with
/// its length, integers, booleans as 0 and 1, null as SQL <c>NULL</c>. Kept by <see cref="SqliteStatements.Write"/> (writes) and
/// <see cref="SqliteStatements.Read"/> (reads, their rows through <see cref="Query"/>); one caller at a time (the connection's).
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    /// <summary>Text up to this many UTF-8 bytes is encoded on the stack; longer text in a pooled buffer.</summary>
    private const int StackBytes = 512;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _indexes;

    private SqliteStatement(sqlite3 db, sqlite3_stmt statement, int[] indexes) => (_db, _statement, _indexes) = (db, statement, indexes);

    /// <summary>The handle the statement was prepared on.</summary>
    public sqlite3 Db => _db;

    /// <summary>Whether the statement was finalized (<see cref="SqliteStatements.Release(SqliteConnection)"/>).</summary>
    public bool Finalized => _statement.IsClosed;

    /// <summary>
    /// Prepares <paramref name="sql"/> (one statement) on <paramref name="db"/>, with <paramref name="parameters"/>
    /// (names without the <c>@</c>) in the order <see cref="Set(int, object?)"/> takes them; a name may stand at several places in
    /// the SQL, and every parameter of the SQL must be one of them.
    /// </summary>
    public static SqliteStatement Prepare(sqlite3 db, string sql, ReadOnlySpan<string> parameters)
    {
        // Persistent: the statement lives as long as its connection, so SQLite keeps it out of its lookaside memory.
        const uint persistent = 0x01;
        var rc = raw.sqlite3_prepare_v3(db, sql, persistent, out var statement, out var tail);
        SqliteException.ThrowExceptionForRC(rc, db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            statement.Dispose();
            throw new ArgumentException("one statement only", nameof(sql));
        }
        // A name the SQL does not use gets index 0 and its value is not bound (as a command's extra parameter is ignored):
        // an insert and an update can share one list.
        var indexes = new int[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
            indexes[i] = raw.sqlite3_bind_parameter_index(statement, "@" + parameters[i]);
        if (raw.sqlite3_bind_parameter_count(statement) != indexes.Where(index => index != 0).Distinct().Count())
        {
            statement.Dispose();
            throw new ArgumentException("every parameter of the statement must be named", nameof(parameters));
        }
        return new SqliteStatement(db, statement, indexes);
    }

    /// <summary>Binds text (or SQL <c>NULL</c>) to parameter <paramref name="position"/>, without boxing.</summary>
    public SqliteStatement Set(int position, string? value)
    {
        var index = _indexes[position];
        if (index == 0)
            return this;
        SqliteException.ThrowExceptionForRC(value is null ? raw.sqlite3_bind_null(_statement, index) : BindText(index, value), _db);
        return this;
    }

    /// <summary>
    /// Binds text given as UTF-8 to parameter <paramref name="position"/>: the value and type <see cref="Set(int, string?)"/>
    /// binds for the string these bytes decode to, without the string (SQLite copies the bytes before this returns).
    /// </summary>
    public SqliteStatement SetUtf8(int position, ReadOnlySpan<byte> utf8)
    {
        var index = _indexes[position];
        if (index == 0)
            return this;
        // An empty span would pass a null pointer (NULL): the empty string through the string binding, as BindText does.
        SqliteException.ThrowExceptionForRC(utf8.IsEmpty ? raw.sqlite3_bind_text(_statement, index, "") : raw.sqlite3_bind_text(_statement, index, utf8), _db);
        return this;
    }

    /// <summary>Binds an integer to parameter <paramref name="position"/>, without boxing.</summary>
    public SqliteStatement Set(int position, long value)
    {
        var index = _indexes[position];
        if (index == 0)
            return this;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(_statement, index, value), _db);
        return this;
    }

    /// <summary>Binds parameter <paramref name="position"/> (in the order given to <see cref="Prepare"/>); null is SQL <c>NULL</c>.</summary>
    public SqliteStatement Set(int position, object? value)
    {
        var index = _indexes[position];
        if (index == 0)
            return this;
        var rc = value switch
        {
            null => raw.sqlite3_bind_null(_statement, index),
            string text => BindText(index, text),
            long number => raw.sqlite3_bind_int64(_statement, index, number),
            int number => raw.sqlite3_bind_int64(_statement, index, number),
            bool flag => raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0),
            _ => throw new ArgumentException($"{value.GetType().Name} is not bound here", nameof(value)),
        };
        SqliteException.ThrowExceptionForRC(rc, _db);
        return this;
    }

    /// <summary>Runs the statement to its end and returns the rows it changed (<c>sqlite3_changes</c>).</summary>
    public int Execute()
    {
        Step(out _);
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs the statement to its end and returns its first row's first column as an integer, or null when it returned no row.</summary>
    public long? ExecuteInt64()
    {
        Step(out var first);
        return first;
    }

    /// <summary>
    /// Runs the statement for its rows: step with <see cref="SqliteRows.Read"/>, read each row's columns, and dispose the
    /// rows (<c>using</c>), which resets the statement also when the caller stops early or throws mid-read.
    /// </summary>
    public SqliteRows Query() => new(this);

    /// <summary>Steps to the next row; false (and reset) at the end. A failed step resets the statement and throws <see cref="SqliteException"/>.</summary>
    internal bool NextRow()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
            return true;
        try
        {
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
        return false;
    }

    /// <summary>Ends a run: the statement holds no read of the WAL and can be bound and run again.</summary>
    internal void Reset() => raw.sqlite3_reset(_statement);

    /// <summary>The current row's column as text, as <see cref="SqliteDataReader.GetString(int)"/> reads it; a NULL throws as there.</summary>
    internal string GetString(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL
            ? throw NullColumn(column)
            : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>The current row's column as an integer, as <see cref="SqliteDataReader.GetInt64(int)"/> reads it; a NULL throws as there.</summary>
    internal long GetInt64(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL
            ? throw NullColumn(column)
            : raw.sqlite3_column_int64(_statement, column);

    /// <summary>Whether the current row's column is NULL.</summary>
    internal bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    private static InvalidOperationException NullColumn(int column) => new($"The data is NULL at ordinal {column}. This method can't be called on NULL values. Check using IsDBNull before calling.");

    private void Step(out long? first)
    {
        first = null;
        try
        {
            int rc;
            var rows = 0;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                if (rows++ == 0 && raw.sqlite3_column_type(_statement, 0) != raw.SQLITE_NULL)
                    first = raw.sqlite3_column_int64(_statement, 0);
            }
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _db);
        }
        finally
        {
            // Reset at once: a statement left mid-way would hold its read of the WAL (and the writer's locks) open.
            raw.sqlite3_reset(_statement);
        }
    }

    private int BindText(int index, string text)
    {
        // UTF-8 with its length, as Microsoft.Data.Sqlite binds text: the same bytes (a NUL kept, a lone surrogate
        // replaced). The empty string through SQLitePCL's string binding: an empty span would pass a null pointer, NULL.
        if (text.Length == 0)
            return raw.sqlite3_bind_text(_statement, index, text);
        // ASCII text (ids, names, most values) is as many bytes as characters: no worst case to reserve. The stack
        // buffer is as long as the text needs, not StackBytes, since a stackalloc is zeroed before it is used.
        var size = Ascii.IsValid(text) ? text.Length : Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = size <= StackBytes ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            return raw.sqlite3_bind_text(_statement, index, buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Dispose() => _statement.Dispose();
}

/// <summary>
/// The rows of one run of a <see cref="SqliteStatement"/> (<see cref="SqliteStatement.Query"/>): <see cref="Read"/> steps
/// to the next, the getters read its columns. Disposing resets the statement, so a read that stops early or throws
/// leaves no statement mid-way holding its read of the WAL.
/// </summary>
internal readonly ref struct SqliteRows(SqliteStatement statement)
{
    /// <summary>Steps to the next row; false at the end.</summary>
    public bool Read() => statement.NextRow();

    /// <inheritdoc cref="SqliteStatement.GetString(int)"/>
    public string GetString(int column) => statement.GetString(column);

    /// <inheritdoc cref="SqliteStatement.GetInt64(int)"/>
    public long GetInt64(int column) => statement.GetInt64(column);

    /// <inheritdoc cref="SqliteStatement.IsNull(int)"/>
    public bool IsNull(int column) => statement.IsNull(column);

    public void Dispose() => statement.Reset();
}
