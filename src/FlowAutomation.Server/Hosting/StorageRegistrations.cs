using FlowAutomation.Runtime;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Storage;
using FlowAutomation.State;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Hosting;

/// <summary>
/// The stores of the chosen <see cref="StorageProvider"/>: every one on SQLite (one node per file), or every one on
/// PostgreSQL (any number of nodes on one database). Registrations use TryAdd, so a service registered earlier wins.
/// Hosted services are not added here: <see cref="ServerHost"/> adds them in their start order (the inbox's processor,
/// <see cref="IInboxProcessing"/>, after the schema, the flows and follow-ups).
/// </summary>
internal static class StorageRegistrations
{
    /// <summary>The provider the configuration names (<c>Storage:Provider</c>; SQLite when it names none).</summary>
    public static StorageProvider ProviderOf(IConfiguration configuration) =>
        configuration.GetSection(StorageOptions.SectionName).GetValue<StorageProvider?>(nameof(StorageOptions.Provider)) ?? StorageProvider.Sqlite;

    public static void AddStorage(this IServiceCollection services, StorageProvider provider)
    {
        if (provider == StorageProvider.Postgres)
            services.AddPostgresStorage();
        else
            services.AddSqliteStorage();
        services.TryAddSingleton<IAuditReader>(sp => new AuditReader(sp.GetRequiredService<IServiceDatabase>()));
        services.TryAddSingleton<IInboxHistory>(sp => new InboxHistory(sp.GetRequiredService<IServiceDatabase>()));
    }

    /// <summary>One SQLite database for everything (<c>Storage:Provider=TemporaryFile</c> uses a throwaway file).</summary>
    private static void AddSqliteStorage(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.CreateDatabase());
        services.TryAddSingleton<IServiceDatabase>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.TryAddSingleton<IDedupStore>(sp => new SqliteDedupStore(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IOutbox>(sp => new SqliteOutbox(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IConversationStore>(sp => new SqliteConversationStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SqliteAuditLog(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        services.TryAddSingleton<IFollowUpStore>(sp => new SqliteFollowUpStore(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IEngineStore>(sp => ActivatorUtilities.CreateInstance<SqliteEngineStore>(sp));
        // Events in lanes per conversation, the inbox's intake with group commit.
        services.TryAddSingleton<InboxProcessor>();
        services.TryAddSingleton<IInboxProcessing>(sp => sp.GetRequiredService<InboxProcessor>());
        services.TryAddSingleton<SqliteInbox>();
        services.TryAddSingleton<IInboundSink>(sp => sp.GetRequiredService<SqliteInbox>());
    }

    /// <summary>One PostgreSQL database shared by every node (<c>Storage:Database</c> is its Npgsql connection string).</summary>
    private static void AddPostgresStorage(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.CreatePostgresDatabase());
        services.TryAddSingleton<IServiceDatabase>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.TryAddSingleton<IDedupStore>(sp => new PostgresDedupStore(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<IOutbox>(sp => new PostgresOutbox(sp.GetRequiredService<PostgresDatabase>()));
        services.AddOptions<OutboxOptions>().PostConfigure<IConfiguration>((options, configuration) =>
        {
            if (configuration.GetSection(OutboxOptions.SectionName)[nameof(OutboxOptions.MaxParallelSends)] is null)
                options.MaxParallelSends = OutboxOptions.PostgresMaxParallelSends;
        });
        services.AddOptions<InboxOptions>().PostConfigure<IConfiguration>((options, configuration) =>
        {
            if (configuration.GetSection(InboxOptions.SectionName)[nameof(InboxOptions.Lanes)] is null)
                options.Lanes = InboxOptions.PostgresDefaultLanes;
        });
        services.TryAddSingleton<IConversationStore>(sp => new PostgresConversationStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAuditLog>(sp => new PostgresAuditLog(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<IFollowUpStore>(sp => new PostgresFollowUpStore(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<PostgresHeldReads>();
        services.TryAddSingleton<IEngineStore>(sp => ActivatorUtilities.CreateInstance<PostgresEngineStore>(sp));
        // A conversation's rows run on one node at a time under its advisory lock; every node polls for the others'.
        services.TryAddSingleton<PostgresInboxProcessor>();
        services.TryAddSingleton<IInboxProcessing>(sp => sp.GetRequiredService<PostgresInboxProcessor>());
        services.TryAddSingleton<PostgresInbox>();
        services.TryAddSingleton<IInboundSink>(sp => sp.GetRequiredService<PostgresInbox>());
    }
}
