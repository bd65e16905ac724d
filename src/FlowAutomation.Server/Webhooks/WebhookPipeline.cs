using FlowAutomation.Server.Common;
using FlowAutomation.Server.Inbox;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// What every webhook endpoint does: read the body (bounded), verify, parse, bound the provider's times
/// (<see cref="EventTimes"/>), hand the records to the <see cref="IInboundSink"/> (which drops duplicates and takes the
/// rest durably), acknowledge. A refused request changes nothing. An answer never carries the store's own error text:
/// that is logged.
/// </summary>
internal sealed class WebhookPipeline(IInboundSink sink, IOptions<WebhookOptions> options, ILogger<WebhookPipeline> logger)
{
    public delegate WebhookRejection? Verify(HttpRequest request, ReadOnlySpan<byte> body);

    public async Task<IResult> HandleAsync(HttpRequest request, Verify verify, Func<ReadOnlyMemory<byte>, WebhookParseResult> parse, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
            return Error(StatusCodes.Status413PayloadTooLarge, "body too large");
        if (verify(request, body) is { } refused)
            return Refuse(request, refused);
        var parsed = parse(body);
        if (parsed.Rejection is { } malformed)
            return Refuse(request, malformed);

        var tolerance = options.Value.EventTimeTolerance;
        var records = parsed.Records.Select(record => EventTimes.Bound(record, tolerance)).ToArray();
        try
        {
            var taken = await sink.AcceptAsync(records, cancellationToken);
            return Results.Json(new WebhookAck(taken.Accepted, taken.Duplicates));
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The provider's retry delivers every record again; those taken now are duplicates then.
            logger.SinkRefused(exception, records.Length);
            return Error(StatusCodes.Status503ServiceUnavailable, exception is RecordsNotTakenException notTaken ? notTaken.Message : NotTakenReason);
        }
    }

    /// <summary>The 503's reason when the store could not take the request's records (its own error is logged, not answered).</summary>
    public const string NotTakenReason = "could not take the records now; retry later";

    private IResult Refuse(HttpRequest request, WebhookRejection rejection)
    {
        logger.WebhookRefused(request.Path.Value ?? "", rejection.StatusCode, rejection.Reason);
        return Error(rejection.StatusCode, rejection.Reason);
    }

    public static IResult Error(int statusCode, string reason) => Results.Json(new WebhookError(reason), statusCode: statusCode);

    /// <summary>The raw body, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
            return null;
        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

internal sealed record WebhookAck(int Accepted, int Duplicates);

internal sealed record WebhookError(string Error);
