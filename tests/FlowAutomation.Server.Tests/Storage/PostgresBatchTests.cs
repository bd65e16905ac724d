using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The PostgreSQL batch's statements go out with positional placeholders (<c>$1</c>, …) rewritten once from the
/// <c>@name</c>s the SQL shares with SQLite, so Npgsql sends the text as it is instead of parsing it on every execution.
/// </summary>
public sealed class PostgresBatchTests
{
    [Fact]
    public void StatementOf_NamesUsedOnceAndTwice_EachNameOnePositionInFirstUseOrder()
    {
        var statement = PostgresBatch.StatementOf(new { seq = 7L, at = 9L }.GetType(), "UPDATE inbox SET processed_at = @at WHERE seq = @seq AND processed_at < @AT");

        Assert.Equal("UPDATE inbox SET processed_at = $1 WHERE seq = $2 AND processed_at < $1", statement.Sql);
        Assert.Equal([9L, 7L], statement.Parameters.Select(get => get(new { seq = 7L, at = 9L })));
    }

    [Fact]
    public void StatementOf_NameThatIsAPrefixOfAnother_EachReplacedByItsOwnPosition()
    {
        var values = new { at = 1L, ats = new[] { 2L } };

        var statement = PostgresBatch.StatementOf(values.GetType(), "SELECT @ats::bigint[], @at");

        Assert.Equal("SELECT $1::bigint[], $2", statement.Sql);
        Assert.Equal([values.ats, (object)1L], statement.Parameters.Select(get => get(values)));
    }

    [Fact]
    public void StatementOf_NameNoPropertyHasAndOperatorAt_LeftAsTheyAre()
    {
        var statement = PostgresBatch.StatementOf(new { id = "c" }.GetType(), "SELECT @other, tags @> @id, '@' FROM t WHERE id = @id");

        Assert.Equal("SELECT @other, tags @> $1, '@' FROM t WHERE id = $1", statement.Sql);
        Assert.Single(statement.Parameters);
    }
}
