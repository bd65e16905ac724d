using FlowAutomation.State;

namespace FlowAutomation.Tests.State;

public sealed class InMemoryConversationStoreTests : ConversationStoreContractTests
{
    protected override Task<IConversationStore> CreateStoreAsync() => Task.FromResult<IConversationStore>(new InMemoryConversationStore());

    [Fact]
    public async Task Count_AfterSaves_CountsConversations()
    {
        var store = new InMemoryConversationStore();

        await store.TrySaveAsync(ConversationState.New("c-1"));
        await store.TrySaveAsync(ConversationState.New("c-2"));
        await store.TrySaveAsync(ConversationState.New("c-2"));

        Assert.Equal(2, store.Count);
    }
}
