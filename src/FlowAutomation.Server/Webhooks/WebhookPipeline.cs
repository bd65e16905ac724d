using System.Text.Json.Serialization.Metadata;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Inbox;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// What every webhook endpoint does: read the body (bounded), verify, parse, bound the provider's times
/// (<see cref="EventTimes"/>), hand the records to the <see cref="IInboundSink"/> (which drops duplicates and takes the
/// rest durably), acknowledge. A refused request changes nothing. An answer never carries the store's own error text:
/// that is logged.
/// The answer is written here, as <c>Results.Json</c> wrote it (status, <c>application/json; charset=utf-8</c>, the
/// body serialized with ASP.NET Core's JSON options; test <c>WebhookAnswerTests</c>), without the request's service
/// scope that the result (and the endpoint's injected parameters) made on every request.
/// </summary>
internal sealed class WebhookPipeline(IInboundSink sink, IOptions<WebhookOptions> options, IOptions<HttpJsonOptions> json, ILogger<WebhookPipeline> logger)
{
    /// <summary>The first buffer for a body whose length is not declared (chunked); it grows up to the limit.</summary>
    private const int UndeclaredLengthBufferBytes = 4096;

    private readonly JsonTypeInfo<WebhookAck> _ack = (JsonTypeInfo<WebhookAck>)json.Value.SerializerOptions.GetTypeInfo(typeof(WebhookAck));
    private readonly JsonTypeInfo<WebhookError> _error = (JsonTypeInfo<WebhookError>)json.Value.SerializerOptions.GetTypeInfo(typeof(WebhookError));

    public delegate WebhookRejection? Verify(HttpRequest request, ReadOnlySpan<byte> body);

    /// <summary>Handles one request and writes its answer.</summary>
    public async Task HandleAsync(HttpContext context, Verify verify, Func<ReadOnlyMemory<byte>, WebhookParseResult> parse)
    {
        var (status, ack, error) = await AnswerAsync(context.Request, verify, parse, context.RequestAborted);
        var response = context.Response;
        response.StatusCode = status;
        await (ack is not null ? response.WriteAsJsonAsync(ack, _ack, contentType: null) : response.WriteAsJsonAsync(error!, _error, contentType: null));
    }

    private async Task<(int Status, WebhookAck? Ack, WebhookError? Error)> AnswerAsync(HttpRequest request, Verify verify, Func<ReadOnlyMemory<byte>, WebhookParseResult> parse, CancellationToken cancellationToken)
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
        var records = new InboundRecord[parsed.Records.Length];
        for (var i = 0; i < records.Length; i++)
            records[i] = EventTimes.Bound(parsed.Records[i], tolerance);
        try
        {
            var taken = await sink.AcceptAsync(records, cancellationToken);
            return (StatusCodes.Status200OK, new WebhookAck(taken.Accepted, taken.Duplicates), null);
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

    private (int, WebhookAck?, WebhookError?) Refuse(HttpRequest request, WebhookRejection rejection)
    {
        logger.WebhookRefused(request.Path.Value ?? "", rejection.StatusCode, rejection.Reason);
        return Error(rejection.StatusCode, rejection.Reason);
    }

    private static (int, WebhookAck?, WebhookError?) Error(int statusCode, string reason) => (statusCode, null, new WebhookError(reason));

    /// <summary>
    /// The raw body, or null when it is longer than <paramref name="maxBytes"/>. A declared length (what providers send)
    /// sizes the array: the body is copied once, from the server's buffers into it, and one more read confirms its end.
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
            return null;
        var body = new byte[request.ContentLength is { } length ? (int)length : Math.Min(UndeclaredLengthBufferBytes, maxBytes)];
        var filled = 0;
        while (true)
        {
            if (filled == body.Length)
            {
                var probe = new byte[1];
                if (await request.Body.ReadAsync(probe, cancellationToken) == 0)
                    return body;
                if (filled == maxBytes)
                    return null;
                Array.Resize(ref body, (int)Math.Min(body.Length * 2L + 1, maxBytes));
                body[filled++] = probe[0];
                continue;
            }
            var read = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken);
            if (read == 0)
                return filled == body.Length ? body : body[..filled];
            filled += read;
        }
    }
}

internal sealed record WebhookAck(int Accepted, int Duplicates);

internal sealed record WebhookError(string Error);
