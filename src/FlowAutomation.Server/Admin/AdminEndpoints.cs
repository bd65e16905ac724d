namespace FlowAutomation.Server.Admin;

/// <summary>Maps the admin API under <c>/api</c>.</summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
