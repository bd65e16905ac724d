using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>A settings section as the service resolves it for a storage provider (whose registrations may set defaults of their own).</summary>
internal static class ProviderOptions
{
    /// <summary>The options bound from <paramref name="section"/> with <paramref name="key"/> given as <paramref name="value"/> (not given when null), after <paramref name="provider"/>'s registrations.</summary>
    public static TOptions Resolve<TOptions>(string provider, string section, string key, string? value)
        where TOptions : class
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(value is null ? [] : new Dictionary<string, string?> { [$"{section}:{key}"] = value })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section));
        services.AddStorage(Enum.Parse<StorageProvider>(provider));
        using var provided = services.BuildServiceProvider();
        return provided.GetRequiredService<IOptions<TOptions>>().Value;
    }
}
