using System.Collections.Concurrent;
using System.Reflection;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Statements sent to PostgreSQL in one round trip (<see cref="NpgsqlBatch"/>), each with the parameters Dapper would
/// bind: the public properties of an object whose names the SQL uses as <c>@name</c> (case-insensitive), a null sent as
/// <c>NULL</c>. Each statement's <see cref="NpgsqlBatchCommand.RecordsAffected"/> is read after
/// <see cref="ExecuteAsync"/>. A statement that fails stops the batch and throws; the caller's transaction is then
/// aborted, as with one statement at a time.
/// </summary>
internal sealed class PostgresBatch
{
    private static readonly ConcurrentDictionary<(Type Type, string Sql), Binding[]> Bindings = new();

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction? _transaction;
    private readonly List<NpgsqlBatchCommand> _commands = [];

    public PostgresBatch(NpgsqlConnection connection, NpgsqlTransaction? transaction) =>
        (_connection, _transaction) = (connection, transaction);

    /// <summary>Adds a statement; returns it, to read its rows affected after <see cref="ExecuteAsync"/>.</summary>
    public NpgsqlBatchCommand Add(string sql, object? parameters = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        if (parameters is not null)
        {
            foreach (var binding in Bindings.GetOrAdd((parameters.GetType(), sql), static k => BindingsOf(k.Type, k.Sql)))
                command.Parameters.Add(new NpgsqlParameter(binding.Name, binding.Get(parameters) ?? DBNull.Value));
        }
        _commands.Add(command);
        return command;
    }

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        if (_commands.Count == 0)
            return;
        await using var batch = Batch();
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs the batch and reads the rows of its statements, in order, with <paramref name="read"/>.</summary>
    public async Task ReadAsync(Func<NpgsqlDataReader, Task> read, CancellationToken cancellationToken)
    {
        await using var batch = Batch();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await read(reader);
    }

    private NpgsqlBatch Batch()
    {
        var batch = new NpgsqlBatch(_connection) { Transaction = _transaction };
        foreach (var command in _commands)
            batch.BatchCommands.Add(command);
        return batch;
    }

    /// <summary>The getters of the properties the SQL names (<c>@Name</c> not followed by a name character).</summary>
    private static Binding[] BindingsOf(Type type, string sql) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && Uses(sql, p.Name))
            .Select(p => new Binding(p.Name, p.GetValue))];

    private sealed record Binding(string Name, Func<object?, object?> Get);

    private static bool Uses(string sql, string name)
    {
        var placeholder = "@" + name;
        for (var at = sql.IndexOf(placeholder, StringComparison.OrdinalIgnoreCase); at >= 0; at = sql.IndexOf(placeholder, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + placeholder.Length;
            if (end == sql.Length || !(char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
                return true;
        }
        return false;
    }
}
