using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Statements sent to PostgreSQL in one round trip (<see cref="NpgsqlBatch"/>), each with the parameters Dapper would
/// bind: the public properties of an object whose names the SQL uses as <c>@name</c> (case-insensitive), a null sent as
/// <c>NULL</c>. The statement goes out with PostgreSQL's own placeholders (<c>$1</c>, <c>$2</c>, …, one per name, in the
/// order the names first appear) and its parameters by position, rewritten once per SQL text and kept
/// (<see cref="Statement"/>): with named parameters Npgsql parsed and rewrote every statement's text on every execution.
/// Each statement's <see cref="NpgsqlBatchCommand.RecordsAffected"/> is read after
/// <see cref="ExecuteAsync"/>. A statement that fails stops the batch and throws; the caller's transaction is then
/// aborted, as with one statement at a time.
/// </summary>
internal sealed class PostgresBatch
{
    private static readonly ConcurrentDictionary<(Type Type, string Sql), Statement> Statements = new();

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction? _transaction;
    private readonly List<NpgsqlBatchCommand> _commands = [];

    public PostgresBatch(NpgsqlConnection connection, NpgsqlTransaction? transaction) =>
        (_connection, _transaction) = (connection, transaction);

    /// <summary>Adds a statement; returns it, to read its rows affected after <see cref="ExecuteAsync"/>.</summary>
    public NpgsqlBatchCommand Add(string sql, object? parameters = null)
    {
        if (parameters is null)
        {
            var plain = new NpgsqlBatchCommand(sql);
            _commands.Add(plain);
            return plain;
        }
        var statement = Statements.GetOrAdd((parameters.GetType(), sql), static k => StatementOf(k.Type, k.Sql));
        var command = new NpgsqlBatchCommand(statement.Sql);
        foreach (var get in statement.Parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = get(parameters) ?? DBNull.Value });
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

    /// <summary>
    /// The SQL with each <c>@Name</c> of a public property of <paramref name="type"/> (case-insensitive, not followed by
    /// a name character) replaced by <c>$n</c>, a name used twice by the same <c>$n</c>, and the getters in that order.
    /// A name no property has is left as it is. String literals and comments are not skipped (Npgsql's parser skipped
    /// them): the statements batched here have no <c>@</c> in either.
    /// </summary>
    internal static Statement StatementOf(Type type, string sql)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        var positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var getters = new List<Func<object?, object?>>();
        var text = new StringBuilder(sql.Length);
        var at = 0;
        while (at < sql.Length)
        {
            var end = at + 1;
            if (sql[at] == '@')
            {
                while (end < sql.Length && IsNameCharacter(sql[end]))
                    end++;
                var name = sql[(at + 1)..end];
                if (name.Length > 0 && Array.Find(properties, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { } property)
                {
                    if (!positions.TryGetValue(name, out var position))
                    {
                        getters.Add(property.GetValue);
                        position = positions[name] = getters.Count;
                    }
                    text.Append('$').Append(position.ToString(CultureInfo.InvariantCulture));
                    at = end;
                    continue;
                }
            }
            text.Append(sql, at, end - at);
            at = end;
        }
        return new Statement(text.ToString(), [.. getters]);
    }

    /// <summary>A statement's text with positional placeholders and the getters of its parameters, <c>$1</c>'s first.</summary>
    internal sealed record Statement(string Sql, Func<object?, object?>[] Parameters);

    private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c == '_';
}
