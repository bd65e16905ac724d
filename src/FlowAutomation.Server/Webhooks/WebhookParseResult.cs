using System.Collections.Immutable;
using FlowAutomation.Server.Inbox;

namespace FlowAutomation.Server.Webhooks;

/// <summary>Why a webhook request is refused: an HTTP status (4xx) and a reason a provider's operator can read.</summary>
internal sealed record WebhookRejection(int StatusCode, string Reason)
{
    public static WebhookRejection BadRequest(string reason) => new(StatusCodes.Status400BadRequest, reason);

    public static WebhookRejection Unauthorized(string reason) => new(StatusCodes.Status401Unauthorized, reason);
}

/// <summary>The records a webhook body holds, or why it was refused. Parsing never throws for bad input.</summary>
internal sealed record WebhookParseResult(ImmutableArray<InboundRecord> Records, WebhookRejection? Rejection)
{
    public bool IsSuccess => Rejection is null;

    public static WebhookParseResult Ok(ImmutableArray<InboundRecord> records) => new(records, null);

    public static WebhookParseResult Fail(string reason) => new([], WebhookRejection.BadRequest(reason));
}
