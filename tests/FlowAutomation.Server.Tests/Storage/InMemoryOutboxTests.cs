using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Storage;

public sealed class InMemoryOutboxTests : OutboxContractTests
{
    protected override Task<IOutbox> CreateOutboxAsync() => Task.FromResult<IOutbox>(new InMemoryOutbox());
}
