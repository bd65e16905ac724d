using FlowAutomation.Server.FollowUps;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowAutomation.Server.Admin;

/// <summary>
/// Hangfire's dashboard at <c>/hangfire</c>, behind the admin key: an authorization policy on the endpoint
/// (<see cref="AdminKeyAuthentication"/>) replaces Hangfire's default filter, which lets every local request in — and a
/// reverse proxy on the same host makes every request local.
/// </summary>
internal static class FollowUpDashboard
{
    public const string Path = "/hangfire";

    public static IServiceCollection AddFollowUpDashboard(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminKeyAuthentication>(AdminKeyAuthentication.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder().AddPolicy(AdminKeyAuthentication.Policy, policy => policy
            .AddAuthenticationSchemes(AdminKeyAuthentication.SchemeName)
            .RequireAuthenticatedUser());
        // What Hangfire's dashboard looks up in the container. AddHangfire is not called: it would configure
        // Hangfire's process-wide globals, and the service hands its storage and activator to Hangfire explicitly.
        services.TryAddSingleton<IGlobalConfiguration>(_ => GlobalConfiguration.Configuration);
        services.TryAddSingleton(_ => DashboardRoutes.Routes);
        return services;
    }

    public static IEndpointConventionBuilder MapFollowUpDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(AdminKeyAuthentication.Policy, Path, new DashboardOptions
        {
            DashboardTitle = "FlowAutomation follow-ups",
            AppPath = null,
            DisplayStorageConnectionString = false,
        }, endpoints.ServiceProvider.GetRequiredService<HangfireFollowUpScheduler>().Storage);
}
