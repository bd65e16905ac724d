namespace FlowAutomation.Runtime;

/// <summary>
/// A message a person sent to the customer from TikTok's app or web client (TikTok's <c>im_send_msg</c> with
/// <c>message_tag.source</c> APP or WEB). The engine does not send it; it counts it toward the window's quota
/// (<see cref="FlowEngine.RecordAgentMessageAsync(AgentMessage, CancellationToken)"/>).
/// </summary>
/// <param name="ConversationId">The conversation it was sent in.</param>
/// <param name="At">When it was sent, as the engine takes it (the live service bounds a provider's time by the receive time).</param>
/// <param name="ContactId">The customer it went to, when known.</param>
/// <param name="Text">Its text, when it had one (for the trace).</param>
/// <param name="MessageId">The provider's id of the message, when known.</param>
public sealed record AgentMessage(string ConversationId, DateTimeOffset At, string? ContactId = null, string? Text = null, string? MessageId = null)
{
    /// <summary>The time the provider gave, as it gave it (the live service's record of both times).</summary>
    public DateTimeOffset? ProviderAt { get; init; }

    /// <summary>When the live service received it.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}
