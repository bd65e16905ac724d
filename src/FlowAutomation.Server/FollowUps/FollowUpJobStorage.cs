using FlowAutomation.Server.Storage;
using Hangfire;
using Hangfire.InMemory;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// The one place that chooses Hangfire's storage from the service's storage provider. Whatever it returns only
/// times follow-ups: the <c>follow_ups</c> table stays the record of truth, and jobs a storage forgets (in-memory
/// storage at a restart) are handed to it again by the reconciliation.
/// </summary>
internal static class FollowUpJobStorage
{
    public static JobStorage Create(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.Provider switch
        {
            // One node per SQLite file: Hangfire's jobs live in this process beside it.
            // Job ids are GUIDs: an id recorded on a row before a restart never names another follow-up's job after it
            // (numbered ids start again at 1 in a fresh storage).
            StorageProvider.Sqlite or StorageProvider.TemporaryFile or StorageProvider.InMemory => new InMemoryStorage(new InMemoryStorageOptions
            {
                IdType = InMemoryStorageIdType.Guid,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(storage), storage.Provider, "no Hangfire storage for this storage provider"),
        };
    }
}
