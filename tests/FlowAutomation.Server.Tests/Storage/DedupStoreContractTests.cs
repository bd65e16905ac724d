using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Storage;

public abstract class DedupStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    protected abstract Task<IDedupStore> CreateStoreAsync();

    [Fact]
    public async Task TryReserve_NewThenSameKey_TrueThenFalse()
    {
        var store = await CreateStoreAsync();

        Assert.True(await store.TryReserveAsync("k1", T0));
        Assert.False(await store.TryReserveAsync("k1", T0.AddSeconds(1)));
        Assert.True(await store.TryReserveAsync("k2", T0));
    }

    [Fact]
    public async Task Release_ThenReserve_IsNewAgain()
    {
        var store = await CreateStoreAsync();
        await store.TryReserveAsync("k1", T0);

        await store.ReleaseAsync("k1");

        Assert.True(await store.TryReserveAsync("k1", T0));
    }

    [Fact]
    public async Task Purge_DropsOnlyOlderKeys()
    {
        var store = await CreateStoreAsync();
        await store.TryReserveAsync("old", T0);
        await store.TryReserveAsync("new", T0.AddDays(8));

        var purged = await store.PurgeAsync(T0.AddDays(7));

        Assert.Equal(1, purged);
        Assert.True(await store.TryReserveAsync("old", T0.AddDays(8)));
        Assert.False(await store.TryReserveAsync("new", T0.AddDays(8)));
    }

    [Fact]
    public async Task TryReserve_ConcurrentSameKey_ExactlyOneWins()
    {
        var store = await CreateStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await store.TryReserveAsync("k", T0))));

        Assert.Equal(1, results.Count(r => r));
    }
}

public sealed class InMemoryDedupStoreTests : DedupStoreContractTests
{
    protected override Task<IDedupStore> CreateStoreAsync() => Task.FromResult<IDedupStore>(new InMemoryDedupStore());
}

public sealed class SqliteDedupStoreTests : DedupStoreContractTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override async Task<IDedupStore> CreateStoreAsync() => new SqliteDedupStore(await _database.MigratedAsync());

    public void Dispose() => _database.Dispose();
}
