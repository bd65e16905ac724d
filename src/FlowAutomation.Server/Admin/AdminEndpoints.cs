using System.Text;
using System.Text.Json;
using Dapper;
using FlowAutomation.Compilation;
using FlowAutomation.Diagrams;
using FlowAutomation.Diagnostics;
using FlowAutomation.Scenarios;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.State;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Admin;

/// <summary>
/// The admin API under <c>/api</c>, behind the API key header (<see cref="AdminOptions"/>): the running flows and
/// their diagnostics, validating a posted flow file, running a posted dry-run scenario on the running flows, reloading, a conversation's state, pending follow-ups, outbox
/// messages and audit trail, and the service's counters (<c>/status</c>, and <c>/status/progress</c> for pollers). Without a configured key every request is refused.
/// </summary>
internal static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").AddEndpointFilter(RequireApiKeyAsync);

        api.MapGet("/flows", (FlowHost flows) =>
        {
            var set = flows.Current;
            return Results.Json(new
            {
                directory = flows.Directory,
                loadedAt = set.LoadedAt,
                policy = set.Compilation.Policy.Name,
                flows = set.Compilation.Flows.Select(f => new
                {
                    id = f.Id,
                    name = f.Name,
                    trigger = FlowDiagram.TriggerName(f.Trigger),
                    enabled = f.Enabled,
                    priority = f.Priority,
                    file = f.Span.Path,
                    line = f.Span.Start.Line,
                }),
                diagnostics = set.Diagnostics.Select(ToJson),
                refusedReload = flows.LastRefused is { } refused ? new { at = refused.At, diagnostics = refused.Diagnostics.Select(ToJson) } : null,
            }, Json);
        });

        api.MapPost("/flows/validate", async (HttpRequest request, FlowHost flows, string? path, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(ct);
            var result = new FlowCompiler(flows.EngineOptions.Policy).CompileTexts((string.IsNullOrWhiteSpace(path) ? "posted.yaml" : path, text));
            return Results.Json(Validation(result), Json);
        });

        api.MapPost("/scenarios/run", async (HttpRequest request, FlowHost flows, string? format, string? explain, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(ct);
            var set = flows.Current;
            var options = new ScenarioRunOptions
            {
                ExplainAll = explain == "all",
                ExplainFlows = explain is null or "all" ? [] : [.. explain.Split(',')],
                RuleEngine = flows.EngineOptions.RuleEngine,
            };
            var result = await ScenarioRunner.RunTextAsync("posted.scenario.yaml", text, set.Compilation.Flows, set.Compilation.Policy, options, ct);
            if (result.Run is not { } run)
            {
                return Results.Json(new { passed = false, diagnostics = result.Diagnostics.Select(ToJson) }, Json, statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            return format == "text"
                ? Results.Text(ScenarioTranscript.ToText(run), "text/plain; charset=utf-8")
                : Results.Json(new { passed = run.Passed, failures = run.Failures, transcript = ScenarioTranscript.ToJsonLines(run).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement) }, Json);
        });

        api.MapPost("/flows/reload", (FlowHost flows) =>
        {
            var loaded = flows.Reload();
            var diagnostics = loaded ? flows.Current.Diagnostics : flows.LastRefused?.Diagnostics ?? [];
            return Results.Json(new { loaded, flows = flows.Current.Compilation.Flows.Length, diagnostics = diagnostics.Select(ToJson) }, Json,
                statusCode: loaded ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });

        api.MapGet("/conversations/{id}", async (string id, IConversationStore conversations, IFollowUpScheduler followUps, IServiceDatabase database, CancellationToken ct) =>
        {
            if (await conversations.FindAsync(id, ct) is not { } state)
                return Results.Json(new { error = $"no conversation '{id}'" }, Json, statusCode: StatusCodes.Status404NotFound);
            var pending = await followUps.PendingAsync(id, ct);
            await using var connection = await database.OpenConnectionAsync(ct);
            var outbox = await connection.QueryAsync(new CommandDefinition($"""
                SELECT id, flow_id AS flowId, content_type AS contentType, text, media_url AS mediaUrl, post_id AS postId, status, attempts,
                       provider_message_id AS providerMessageId, delivery_status AS deliveryStatus, last_error AS lastError,
                       created_at AS createdAt, expires_at AS expiresAt, completed_at AS completedAt
                FROM outbox WHERE conversation_id = @id ORDER BY {database.OutboxInsertionOrder}
                """, new { id }, cancellationToken: ct));
            return Results.Json(new
            {
                state,
                followUps = pending.Select(j => new { id = j.Id, flow = j.FlowId, followUp = j.FollowUpId, dueAt = j.DueAt }),
                outbox,
            }, Json);
        });

        api.MapGet("/conversations/{id}/audit", async (string id, long? after, int? limit, IAuditLog audit, CancellationToken ct) =>
            Results.Json(await audit.ReadAsync(id, after ?? 0, Math.Clamp(limit ?? 500, 1, 5000), ct), Json));

        api.MapGet("/status", async (IServiceDatabase database, IInboxProcessing inbox, FlowHost flows, CancellationToken ct) =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            return Results.Json(new
            {
                flows = flows.IsLoaded ? flows.Current.Compilation.Flows.Length : 0,
                inbox = await CountsAsync(connection, "SELECT status, COUNT(*) FROM inbox GROUP BY status", ct),
                outbox = await CountsAsync(connection, "SELECT status, COUNT(*) FROM outbox GROUP BY status", ct),
                followUps = await CountsAsync(connection, "SELECT status, COUNT(*) FROM follow_ups GROUP BY status", ct),
                conversations = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM conversations", cancellationToken: ct)),
                processedSinceStart = inbox.Processed,
                failedSinceStart = inbox.Failed,
            }, Json);
        });

        // What a poller watching the service work needs, cheaply: the counters and one count over the outbox's
        // unfinished rows (an index's range on both stores), where /api/status counts every table by status.
        api.MapGet("/status/progress", async (IServiceDatabase database, IInboxProcessing inbox, CancellationToken ct) =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            return Results.Json(new
            {
                processedSinceStart = inbox.Processed,
                failedSinceStart = inbox.Failed,
                outboxQueued = await connection.ExecuteScalarAsync<long>(new CommandDefinition(OutboxQueuedSql, cancellationToken: ct)),
            }, Json);
        });

        return endpoints;
    }

    /// <summary>The outbox rows still to send: pending or in flight.</summary>
    internal const string OutboxQueuedSql = "SELECT COUNT(*) FROM outbox WHERE status IN ('Pending', 'InFlight')";

    /// <summary>The JSON shape <c>flowctl validate --format json</c> writes.</summary>
    public static object Validation(FlowCompilation result)
    {
        var errors = result.Diagnostics.Count(d => d.IsError);
        return new
        {
            valid = errors == 0,
            flows = result.Flows.Select(f => f.Id),
            errors,
            warnings = result.Diagnostics.Count - errors,
            diagnostics = result.Diagnostics.Select(ToJson),
        };
    }

    public static DiagnosticJson ToJson(Diagnostic d) => DiagnosticJson.From(d);

    private static async Task<Dictionary<string, long>> CountsAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken ct) =>
        (await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(sql, cancellationToken: ct))).ToDictionary(r => r.Status.ToLowerInvariant(), r => r.Count);

    private static async ValueTask<object?> RequireApiKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        AdminKey.Refusal(context.HttpContext, context.HttpContext.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value, "the admin API")
        ?? await next(context);
}
