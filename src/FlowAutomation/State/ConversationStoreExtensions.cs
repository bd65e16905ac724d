namespace FlowAutomation.State;

/// <summary>Read-change-save with retry over any <see cref="IConversationStore"/>.</summary>
public static class ConversationStoreExtensions
{
    /// <summary>How often a change is retried when other writers keep saving first.</summary>
    public const int MaxAttempts = 1000;

    /// <summary>The stored state, or a new one (version 0) when nothing is stored.</summary>
    public static async ValueTask<ConversationState> GetOrNewAsync(this IConversationStore store, string conversationId, CancellationToken cancellationToken = default) =>
        await store.FindAsync(conversationId, cancellationToken) ?? ConversationState.New(conversationId);

    /// <summary>
    /// Applies <paramref name="change"/> to the current state and saves it, reading and applying again when another
    /// writer saved first. <paramref name="change"/> must be a pure function of the state: it may run several times.
    /// </summary>
    /// <exception cref="InvalidOperationException">The change lost the race <see cref="MaxAttempts"/> times.</exception>
    public static async ValueTask<ConversationState> UpdateAsync(this IConversationStore store, string conversationId, Func<ConversationState, ConversationState> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.GetOrNewAsync(conversationId, cancellationToken);
            var changed = change(current) with { Version = current.Version };
            if (await store.TrySaveAsync(changed, cancellationToken) is { } saved)
            {
                return saved;
            }
        }

        throw new InvalidOperationException($"conversation '{conversationId}' changed {MaxAttempts} times while one change was being saved");
    }
}
