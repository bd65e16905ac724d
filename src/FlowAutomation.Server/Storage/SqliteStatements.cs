using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Prepared commands (<see cref="Get"/>) and statements (<see cref="Write"/>, <see cref="Read"/>) kept per connection, one per SQL text. Microsoft.Data.Sqlite prepares a statement per
/// <see cref="SqliteCommand"/> and keeps it only as long as that command; Dapper builds a new command (and SQLite a new
/// statement) on every call, which cost the engine's commit about ten prepares per event on the writer connection. A
/// command here is prepared on its first run and then only reset and re-bound; its parameters are created once, named
/// with their prefix (binding a name without one searches the statement for <c>@</c>, <c>$</c> and <c>:</c> in turn).
/// The writer connection lives as long as the process, so its commands do; a connection that is closed disposes its
/// commands' statements with it, and its entry here goes with the connection object. A connection serves one caller at
/// a time (the writer under its lease), so neither is a command shared between callers.
/// </summary>
internal static class SqliteStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Cache = [];
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteStatement>> Statements = [];

    /// <summary>
    /// The connection's command for <paramref name="sql"/>, in <paramref name="transaction"/>, with
    /// <paramref name="parameters"/> (names without the <c>@</c>) in that order: set each value by position
    /// (<see cref="Set"/>), then run it.
    /// </summary>
    public static SqliteCommand Get(SqliteConnection connection, SqliteTransaction? transaction, string sql, params ReadOnlySpan<string> parameters)
    {
        var commands = Cache.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
                command.Parameters.Add(new SqliteParameter("@" + name, null));
            commands.Add(sql, command);
        }
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Sets parameter <paramref name="index"/>; null is SQL <c>NULL</c>.</summary>
    public static SqliteCommand Set(this SqliteCommand command, int index, object? value)
    {
        command.Parameters[index].Value = value ?? DBNull.Value;
        return command;
    }

    /// <summary>
    /// The connection's write statement for <paramref name="sql"/> (one statement) with <paramref name="parameters"/>
    /// (names without the <c>@</c>) in that order, its parameters bound by index (<see cref="SqliteStatement"/>): set each
    /// value by position, then run it. It runs in the connection's transaction, which must be <paramref name="transaction"/>
    /// (null: none, each run its own).
    /// </summary>
    public static SqliteStatement Write(SqliteConnection connection, SqliteTransaction? transaction, string sql, params ReadOnlySpan<string> parameters)
    {
        if (transaction is not null && transaction.Connection != connection)
            throw new InvalidOperationException("the transaction is not the connection's");
        return Prepared(connection, sql, parameters);
    }

    /// <summary>
    /// The connection's read statement for <paramref name="sql"/> (one statement) with <paramref name="parameters"/>
    /// (names without the <c>@</c>) in that order: set each value by position, then read its rows through
    /// <see cref="SqliteStatement.Query"/>, disposing them before the connection serves another caller (a statement left
    /// mid-way would hold its read of the WAL). Prepared and released as <see cref="Write"/>'s are.
    /// </summary>
    public static SqliteStatement Read(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameters) =>
        Prepared(connection, sql, parameters);

    private static SqliteStatement Prepared(SqliteConnection connection, string sql, ReadOnlySpan<string> parameters)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var statements = Statements.GetOrCreateValue(connection);
        if (statements.TryGetValue(sql, out var statement))
        {
            if (statement.Db == handle)
                return statement;
            // Closed and opened again on another handle: the old statements belong to the old one.
            Release(statements);
        }
        statement = SqliteStatement.Prepare(handle, sql, parameters);
        statements.Add(sql, statement);
        return statement;
    }

    /// <summary>Finalizes the connection's statements (<see cref="Write"/>, <see cref="Read"/>); call before the connection is closed, so its handle is not kept open by them.</summary>
    public static void Release(SqliteConnection connection)
    {
        if (Statements.TryGetValue(connection, out var statements))
            Release(statements);
    }

    private static void Release(Dictionary<string, SqliteStatement> statements)
    {
        foreach (var statement in statements.Values)
            statement.Dispose();
        statements.Clear();
    }
}
