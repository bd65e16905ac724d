using System.Text.Json;
using FlowAutomation.Language;
using FlowAutomation.Policy;
using FlowAutomation.Studio;
using Microsoft.AspNetCore.StaticFiles;

namespace FlowAutomation.Server.Studio;

/// <summary>What the service says after a save: whether the folder's new set runs, or the running set stays (its errors).</summary>
internal sealed record StudioReload(bool Loaded, IReadOnlyList<StudioDiagnostic> Diagnostics);

/// <summary>
/// Everything the studio's endpoints need: the folder, the policy it compiles with, who may call, what runs after a
/// save, the folders scenarios are picked from (null: <see cref="StudioScenarios.DefaultRoots"/>), and the running
/// service's records (<c>flowctl serve</c> only).
/// </summary>
internal sealed record StudioSite(StudioFolder Folder, PolicyProfile Policy, IStudioAccess Access, Func<StudioReload>? AfterSave = null)
{
    public IReadOnlyList<string>? ScenarioFolders { get; init; }

    public StudioLive? Live { get; init; }
}

internal sealed record StudioCompileRequest(string? Path, string? Text);

internal sealed record StudioSaveRequest(string Path, string Text, string? BaseVersion);

internal sealed record StudioScenarioSaveRequest(string Root, string Path, string Text, string? BaseVersion);

/// <summary>
/// The studio at <c>/studio</c>: the page (the embedded bundle; it holds no data, so it is served to anyone) and its
/// API under <c>/studio/api</c>, where every call but <c>info</c> and <c>session</c> needs the credential header
/// (<see cref="IStudioAccess"/>). The API reads and writes only flow files inside the site's folder.
/// </summary>
internal static class StudioEndpoints
{
    public const string BasePath = "/studio";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // The page loads only its own files and talks only to its own origin; styles are inline (the canvas and the
    // editor set them from script).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IEndpointRouteBuilder MapStudio(this IEndpointRouteBuilder endpoints, StudioSite site)
    {
        var compiler = new StudioCompiler(site.Folder, site.Policy);
        var scenarios = new StudioScenarios(StudioScenarios.DefaultRoots(site.Folder, site.ScenarioFolders), compiler, site.Folder, site.Policy);
        var open = endpoints.MapGroup(BasePath + "/api");
        open.MapGet("/info", () => Results.Json(new { mode = site.Access.Mode, header = site.Access.Header, folder = Path.GetFileName(site.Folder.Root), live = site.Live is not null }, Json));
        open.MapPost("/session", (HttpContext http) =>
            site.Access is StudioTokenAccess tokens && tokens.Exchange(http.Request.Headers[StudioTokenAccess.HeaderName].ToString()) is { } session
                ? Results.Json(new { token = session }, Json)
                : Results.Json(new { error = "this studio link was already used or is not known: use the tab that opened it, or restart flowctl studio for a new one" }, Json,
                    statusCode: StatusCodes.Status401Unauthorized));

        var api = endpoints.MapGroup(BasePath + "/api").AddEndpointFilter(async (context, next) => site.Access.Check(context.HttpContext) ?? await next(context));
        api.MapGet("/files", () => Guarded(() => Results.Json(new
        {
            folder = Path.GetFileName(site.Folder.Root),
            files = site.Folder.List().Select(f => new { path = f }),
        }, Json)));
        api.MapGet("/file", (string path) => Guarded(() => Results.Json(site.Folder.Read(path), Json)));
        api.MapPost("/compile", (StudioCompileRequest request) => Guarded(() => Results.Json(compiler.Compile(request.Path, request.Text), Json)));
        api.MapPut("/file", (StudioSaveRequest request) => Guarded(() =>
        {
            var result = site.Folder.Write(request.Path, request.Text, request.BaseVersion);
            if (!result.Saved)
            {
                return Results.Json(new
                {
                    saved = false,
                    error = result.OnDisk is null ? $"'{request.Path}' was deleted since it was opened" : $"'{request.Path}' changed on disk since it was opened",
                    onDisk = result.OnDisk,
                }, Json, statusCode: StatusCodes.Status409Conflict);
            }
            return Results.Json(new { saved = true, version = result.Version, reload = site.AfterSave?.Invoke() }, Json);
        }));
        api.MapGet("/schema", () => Results.Text(FlowSchemaGenerator.Generate(), "application/json; charset=utf-8"));
        api.MapScenarios(scenarios);
        api.MapLive(site.Live);

        // Routing ignores a trailing slash: "/studio" is sent to "/studio/" (so the page's relative paths resolve), which is the page.
        endpoints.MapGet(BasePath, (HttpContext http) => http.Request.Path.Value!.EndsWith('/') ? ServePage(http, string.Empty) : Results.Redirect(BasePath + "/"));
        endpoints.MapGet(BasePath + "/{**path}", (HttpContext http, string? path) => ServePage(http, path ?? string.Empty));
        return endpoints;
    }

    /// <summary>A bundle file; any other path (a route of the page) gets index.html.</summary>
    private static IResult ServePage(HttpContext http, string path)
    {
        if (!StudioBundle.IsBuilt)
            return Results.Text("The studio's page is not in this build (it was built with SkipStudioBundle=true); rebuild with node and npm on the machine.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        var isAsset = path.StartsWith("assets/", StringComparison.Ordinal);
        var stream = path.Contains("..", StringComparison.Ordinal) ? null : StudioBundle.Open(path);
        if (stream is null)
        {
            if (isAsset || path.StartsWith("api/", StringComparison.Ordinal))
                return Results.NotFound();
            path = "index.html";
            stream = StudioBundle.Open(path)!;
        }
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // Asset names carry a content hash; the page itself is always fetched fresh.
        headers.CacheControl = isAsset ? "public, max-age=31536000, immutable" : "no-cache";
        return Results.Stream(stream, ContentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream");
    }

    internal static JsonSerializerOptions JsonOptions => Json;

    internal static IResult Error(string message, int status) => Results.Json(new { error = message }, Json, statusCode: status);

    internal static async Task<IResult> GuardedAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (Refusal(ex) is { } refusal)
        {
            return refusal;
        }
    }

    internal static IResult Guarded(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (Refusal(ex) is { } refusal)
        {
            return refusal;
        }
    }

    /// <summary>The answer for a path the page may not have (400), a file that is not there (404) or one that cannot be read or written now (409).</summary>
    private static IResult? Refusal(Exception ex) => ex switch
    {
        StudioPathException => Error(ex.Message, StatusCodes.Status400BadRequest),
        FileNotFoundException => Error(ex.Message, StatusCodes.Status404NotFound),
        IOException or UnauthorizedAccessException => Error(ex.Message, StatusCodes.Status409Conflict),
        _ => null,
    };
}
