using FlowAutomation.Scenarios;

namespace FlowAutomation.Server.Studio;

/// <summary>
/// The studio's scenario calls under <c>/studio/api</c>: the scenario files of each scenario folder, one file's text,
/// saving one (atomic, refused when it changed on disk, as flow files are), running a scenario's text against the
/// flows as the page has them, and the scenario schema. Paths are confined to their folder as flow files are.
/// </summary>
internal static class StudioScenarioEndpoints
{
    public static RouteGroupBuilder MapScenarios(this RouteGroupBuilder api, StudioScenarios scenarios)
    {
        var json = StudioEndpoints.JsonOptions;
        api.MapGet("/scenarios", () => StudioEndpoints.Guarded(() => Results.Json(new
        {
            roots = scenarios.Roots.Select(r => new { name = r.Name, files = r.Folder.List() }),
        }, json)));
        api.MapGet("/scenario", (string? root, string? path) => StudioEndpoints.Guarded(() =>
        {
            var file = scenarios.Root(root).Folder.Read(path ?? string.Empty);
            return Results.Json(new { root, file.Path, file.Text, file.Version }, json);
        }));
        api.MapPut("/scenario", (StudioScenarioSaveRequest request) => StudioEndpoints.Guarded(() =>
        {
            var result = scenarios.Root(request.Root).Folder.Write(request.Path, request.Text, request.BaseVersion);
            if (result.Saved)
                return Results.Json(new { saved = true, version = result.Version }, json);
            return Results.Json(new
            {
                saved = false,
                error = result.OnDisk is null ? $"'{request.Path}' was deleted since it was opened" : $"'{request.Path}' changed on disk since it was opened",
                onDisk = result.OnDisk,
            }, json, statusCode: StatusCodes.Status409Conflict);
        }));
        api.MapPost("/scenarios/run", (StudioScenarioRequest request, CancellationToken cancellationToken) =>
            StudioEndpoints.GuardedAsync(async () => Results.Json(await scenarios.RunAsync(request, cancellationToken), json)));
        api.MapGet("/schema/scenario", () => Results.Text(ScenarioSchemaGenerator.Generate(), "application/json; charset=utf-8"));
        return api;
    }
}
