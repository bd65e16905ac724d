using Dapper;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.MultiNode;

/// <summary>Hangfire.PostgreSql as the service sets it up: its schema installed once, whoever starts first, with the measured settings.</summary>
public sealed class PostgresJobStorageTests : IAsyncLifetime
{
    private TempPostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TempPostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task CreatePostgres_FourNodesOnAnEmptySchemaAtOnce_EachGetsAStorageOnOneInstalledSchema()
    {
        var storages = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            FollowUpJobStorage.CreatePostgres(_database.ConnectionString, TimeSpan.FromSeconds(1)))));

        Assert.Equal(4, storages.Length);
        await using var connection = await _database.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {FollowUpJobStorage.PostgresSchema}.schema"));
        using var hangfire = storages[3].GetConnection();
        Assert.Null(hangfire.GetJobData("1"));
    }

    [Fact]
    public void PostgresOptions_AreTheMeasuredOnes()
    {
        var options = FollowUpJobStorage.PostgresOptions(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(30), options.DistributedLockTimeout);
        Assert.True(options.UseSlidingInvisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.InvisibilityTimeout);
        Assert.False(options.PrepareSchemaIfNecessary);
        Assert.Equal(TimeSpan.FromSeconds(1), options.QueuePollInterval);
        Assert.Equal(FollowUpJobStorage.PostgresSchema, options.SchemaName);
    }
}
