using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Outbound;

public sealed class OutboxOptionsTests
{
    [Theory]
    [InlineData("Sqlite", null, 16)]
    [InlineData("Postgres", null, OutboxOptions.PostgresMaxParallelSends)]
    [InlineData("Postgres", "16", 16)]
    [InlineData("Sqlite", "40", 40)]
    public void MaxParallelSends_ByProviderAndSetting_PostgresDefaultOnlyWhenNotGiven(string provider, string? setting, int expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(setting is null ? [] : new Dictionary<string, string?> { ["Outbox:MaxParallelSends"] = setting })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName));
        services.AddStorage(Enum.Parse<StorageProvider>(provider));
        using var provided = services.BuildServiceProvider();

        Assert.Equal(expected, provided.GetRequiredService<IOptions<OutboxOptions>>().Value.MaxParallelSends);
    }
}
