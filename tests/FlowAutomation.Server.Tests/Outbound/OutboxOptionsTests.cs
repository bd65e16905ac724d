using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Tests.Support;

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
        var options = ProviderOptions.Resolve<OutboxOptions>(provider, OutboxOptions.SectionName, nameof(OutboxOptions.MaxParallelSends), setting);

        Assert.Equal(expected, options.MaxParallelSends);
    }
}
