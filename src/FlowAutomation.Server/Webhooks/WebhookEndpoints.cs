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

        group.MapPost("/infobip/tiktok", Handler(services, sp =>
        {
            var verifier = sp.GetRequiredService<WebhookVerifiers>().Infobip;
            return ((r, body) => verifier.Verify(Header(r, verifier.HeaderName), body), sp.GetRequiredService<InfobipWebhookParser>().ParseInbound);
        }));

        group.MapPost("/infobip/reports", Handler(services, sp =>
        {
            var verifier = sp.GetRequiredService<WebhookVerifiers>().Infobip;
            return ((r, body) => verifier.Verify(Header(r, verifier.HeaderName), body), sp.GetRequiredService<InfobipWebhookParser>().ParseReports);
        }));

        group.MapPost("/tiktok", Handler(services, sp =>
        {
            var verifier = sp.GetRequiredService<WebhookVerifiers>().TikTok;
            return ((r, body) => verifier.Verify(Header(r, verifier.HeaderName), body), sp.GetRequiredService<TikTokWebhookParser>().Parse);
        }));

        group.MapPost("/leads", Handler(services, sp =>
        {
            var verifier = sp.GetRequiredService<WebhookVerifiers>().Leads;
            return ((r, body) => verifier.Verify(Header(r, verifier.HeaderName), body), sp.GetRequiredService<LeadWebhookParser>().Parse);
        }));

        return endpoints;
    }

    /// <summary>The endpoint's delegate: its services resolved once, on the first request (as they were before, by then).</summary>
    private static RequestDelegate Handler(IServiceProvider services, Func<IServiceProvider, (WebhookPipeline.Verify Verify, Func<ReadOnlyMemory<byte>, WebhookParseResult> Parse)> resolve)
    {
        Resolved? endpoint = null;
        return context =>
        {
            endpoint ??= Resolved.From(services, resolve);
            return endpoint.Pipeline.HandleAsync(context, endpoint.Verify, endpoint.Parse);
        };
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>One endpoint's resolved services (a reference, so a request sees all three or none).</summary>
    private sealed record Resolved(WebhookPipeline Pipeline, WebhookPipeline.Verify Verify, Func<ReadOnlyMemory<byte>, WebhookParseResult> Parse)
    {
        public static Resolved From(IServiceProvider services, Func<IServiceProvider, (WebhookPipeline.Verify Verify, Func<ReadOnlyMemory<byte>, WebhookParseResult> Parse)> resolve)
        {
            var (verify, parse) = resolve(services);
            return new Resolved(services.GetRequiredService<WebhookPipeline>(), verify, parse);
        }
    }
}
