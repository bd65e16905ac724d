using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Webhooks;

/// <summary>The verifiers, built once from <see cref="WebhookOptions"/>.</summary>
internal sealed class WebhookVerifiers(IOptions<WebhookOptions> options, TimeProvider time)
{
    public HmacBodyVerifier Infobip { get; } = new(options.Value.Infobip);

    public TikTokSignatureVerifier TikTok { get; } = new(options.Value.TikTok, time);

    public HmacBodyVerifier Leads { get; } = new(options.Value.Leads);
}

/// <summary>
/// Maps the webhook endpoints (see docs/webhooks.md). Each is a plain request delegate on the pipeline, its verifier and
/// its parser, singletons taken from the root provider on the first request: no per-request service scope, no
/// parameter binding (twentieth pass, docs/performance.md). <see cref="WebhookPipeline.HandleAsync"/> writes the answer.
/// </summary>
internal static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var group = endpoints.MapGroup("/webhooks");
        group.MapPost("/infobip/tiktok", Handler(services, v => (v.Infobip.HeaderName, v.Infobip.Verify), sp => sp.GetRequiredService<InfobipWebhookParser>().ParseInbound));
        group.MapPost("/infobip/reports", Handler(services, v => (v.Infobip.HeaderName, v.Infobip.Verify), sp => sp.GetRequiredService<InfobipWebhookParser>().ParseReports));
        group.MapPost("/tiktok", Handler(services, v => (v.TikTok.HeaderName, v.TikTok.Verify), sp => sp.GetRequiredService<TikTokWebhookParser>().Parse));
        group.MapPost("/leads", Handler(services, v => (v.Leads.HeaderName, v.Leads.Verify), sp => sp.GetRequiredService<LeadWebhookParser>().Parse));
        return endpoints;
    }

    /// <summary>A verifier's check of its header's value against the raw body.</summary>
    private delegate WebhookRejection? SignatureCheck(string? headerValue, ReadOnlySpan<byte> body);

    /// <summary>The endpoint's delegate: its services resolved once, on the first request (as they were before, by then).</summary>
    private static RequestDelegate Handler(IServiceProvider services, Func<WebhookVerifiers, (string Header, SignatureCheck Check)> verifier,
        Func<IServiceProvider, Func<ReadOnlyMemory<byte>, WebhookParseResult>> parser)
    {
        Resolved? resolved = null;
        return context =>
        {
            resolved ??= Resolved.From(services, verifier, parser);
            return resolved.Pipeline.HandleAsync(context, resolved.Verify, resolved.Parse);
        };
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>One endpoint's resolved services (a reference, so a request sees all three or none).</summary>
    private sealed record Resolved(WebhookPipeline Pipeline, WebhookPipeline.Verify Verify, Func<ReadOnlyMemory<byte>, WebhookParseResult> Parse)
    {
        public static Resolved From(IServiceProvider services, Func<WebhookVerifiers, (string Header, SignatureCheck Check)> verifier,
            Func<IServiceProvider, Func<ReadOnlyMemory<byte>, WebhookParseResult>> parser)
        {
            var (header, check) = verifier(services.GetRequiredService<WebhookVerifiers>());
            return new Resolved(services.GetRequiredService<WebhookPipeline>(), (request, body) => check(Header(request, header), body), parser(services));
        }
    }
}
