using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Webhooks;

/// <summary>The verifiers, built once from <see cref="WebhookOptions"/>.</summary>
internal sealed class WebhookVerifiers(IOptions<WebhookOptions> options, TimeProvider time)
{
    public HmacBodyVerifier Infobip { get; } = new(options.Value.Infobip);

    public TikTokSignatureVerifier TikTok { get; } = new(options.Value.TikTok, time);

    public HmacBodyVerifier Leads { get; } = new(options.Value.Leads);
}

/// <summary>Maps the webhook endpoints (see docs/webhooks.md).</summary>
internal static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/webhooks");

        group.MapPost("/infobip/tiktok", (HttpRequest request, WebhookPipeline pipeline, WebhookVerifiers verifiers, InfobipWebhookParser parser, CancellationToken ct) =>
            pipeline.HandleAsync(request, (r, body) => verifiers.Infobip.Verify(Header(r, verifiers.Infobip.HeaderName), body), parser.ParseInbound, ct));

        group.MapPost("/infobip/reports", (HttpRequest request, WebhookPipeline pipeline, WebhookVerifiers verifiers, InfobipWebhookParser parser, CancellationToken ct) =>
            pipeline.HandleAsync(request, (r, body) => verifiers.Infobip.Verify(Header(r, verifiers.Infobip.HeaderName), body), parser.ParseReports, ct));

        group.MapPost("/tiktok", (HttpRequest request, WebhookPipeline pipeline, WebhookVerifiers verifiers, TikTokWebhookParser parser, CancellationToken ct) =>
            pipeline.HandleAsync(request, (r, body) => verifiers.TikTok.Verify(Header(r, verifiers.TikTok.HeaderName), body), parser.Parse, ct));

        group.MapPost("/leads", (HttpRequest request, WebhookPipeline pipeline, WebhookVerifiers verifiers, LeadWebhookParser parser, CancellationToken ct) =>
            pipeline.HandleAsync(request, (r, body) => verifiers.Leads.Verify(Header(r, verifiers.Leads.HeaderName), body), parser.Parse, ct));

        return endpoints;
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
}
