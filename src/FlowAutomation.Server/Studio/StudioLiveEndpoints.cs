using System.Globalization;
using FlowAutomation.Model;

namespace FlowAutomation.Server.Studio;

/// <summary>
/// What the flows did in the running service, under <c>/studio/api/live</c> (<c>flowctl serve</c> only; the laptop
/// studio answers 404): counts per flow and node over a period (<c>last=24h</c>, <c>last=all</c>, or <c>from</c> and
/// <c>to</c> as ISO 8601 times; the last 24 hours by default), conversations looked up by id, contact id or name,
/// one conversation's path, and a recorded conversation as a scenario.
/// </summary>
internal static class StudioLiveEndpoints
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromHours(24);

    public static RouteGroupBuilder MapLive(this RouteGroupBuilder api, StudioLive? live)
    {
        var json = StudioEndpoints.JsonOptions;
        var group = api.MapGroup("/live");
        if (live is null)
        {
            group.MapGet("/{**rest}", () => StudioEndpoints.Error("what the flows did live is shown in the service (flowctl serve), not in flowctl studio", StatusCodes.Status404NotFound));
            return api;
        }

        group.MapGet("/counts", async (string? last, string? from, string? to, CancellationToken cancellationToken) =>
        {
            var (start, end, error) = Period(live.Now, last, from, to);
            return error is not null
                ? StudioEndpoints.Error(error, StatusCodes.Status400BadRequest)
                : Results.Json(await live.CountsAsync(start!.Value, end!.Value, cancellationToken), json);
        });
        group.MapGet("/conversations", async (string? q, int? limit, CancellationToken cancellationToken) =>
            Results.Json(new { conversations = await live.FindAsync(q, Math.Clamp(limit ?? 50, 1, 500), cancellationToken) }, json));
        group.MapGet("/conversation", async (string? id, CancellationToken cancellationToken) =>
            string.IsNullOrEmpty(id) ? StudioEndpoints.Error("give the conversation's id: ?id=…", StatusCodes.Status400BadRequest)
            : await live.PathAsync(id, cancellationToken) is { } path ? Results.Json(path, json)
            : StudioEndpoints.Error($"no conversation '{id}'", StatusCodes.Status404NotFound));
        group.MapGet("/scenario", async (string? id, CancellationToken cancellationToken) =>
            string.IsNullOrEmpty(id) ? StudioEndpoints.Error("give the conversation's id: ?id=…", StatusCodes.Status400BadRequest)
            : await live.ScenarioAsync(id, cancellationToken) is { } scenario ? Results.Json(scenario, json)
            : StudioEndpoints.Error($"the service took no event for conversation '{id}'", StatusCodes.Status404NotFound));
        return api;
    }

    /// <summary>[start, end] of the period asked for (both ends included), or why it cannot be read.</summary>
    internal static (DateTimeOffset? Start, DateTimeOffset? End, string? Error) Period(DateTimeOffset now, string? last, string? from, string? to)
    {
        if (from is not null || to is not null)
        {
            if (!Time(from, out var start) || !Time(to, out var end))
                return (null, null, "from and to must both be ISO 8601 times, such as 2026-03-02T09:00:00Z");
            return start < end ? (start, end, null) : (null, null, "from must be before to");
        }
        if (last is null)
            return (now - DefaultPeriod, now, null);
        if (last == "all")
            return (DateTimeOffset.UnixEpoch, now, null);
        return Durations.TryParse(last, out var span) && span > TimeSpan.Zero
            ? (now - span, now, null)
            : (null, null, $"last must be a duration such as 1h, 24h or 7d, or 'all', not '{last}'");
    }

    private static bool Time(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
}
