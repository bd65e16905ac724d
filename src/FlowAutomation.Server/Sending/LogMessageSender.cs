using FlowAutomation.Model;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Sending;

/// <summary>
/// The provider when none is configured (no <c>Infobip:BaseUrl</c> and <c>Infobip:ApiKey</c>): each message the
/// service would send is written to the log, one line with its recipient and content, and counts as sent. A first run
/// (and a trial of new flows) shows what the customer would get without any account.
/// </summary>
internal sealed class LogMessageSender(ILogger<LogMessageSender> logger) : IMessageSender
{
    public Task<SendOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        logger.WouldSend(message.Destination, message.ConversationId ?? "-", message.Id, Describe(message.Content));
        return Task.FromResult(SendOutcome.Sent(null));
    }

    /// <summary>A message's content on one line: text quoted (line breaks as ⏎), an image's URL, a post's id.</summary>
    public static string Describe(SendableContent content) => content switch
    {
        TextContent text => "\"" + text.Text.ReplaceLineEndings("⏎") + "\"",
        ImageContent image => "image " + image.Url,
        SharePostContent post => "shared post " + post.PostId,
        _ => content.GetType().Name,
    };
}
