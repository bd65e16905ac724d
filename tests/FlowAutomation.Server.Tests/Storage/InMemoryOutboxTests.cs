using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Storage;

public sealed class InMemoryOutboxTests : OutboxContractTests
{
    protected override Task<IOutbox> CreateOutboxAsync() => Task.FromResult<IOutbox>(new InMemoryOutbox());
}
