using SQLitePCL;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Process-wide settings of the SQLite library, made once before this process opens its first SQLite connection
/// (<see cref="SqliteDatabase"/>'s type initializer; SQLite accepts <c>sqlite3_config</c> only before it initializes).
/// </summary>
internal static class SqliteLibrary
{
    private static readonly Lazy<int> MemoryStatus = new(DisableMemoryStatus);

    /// <summary>
    /// Turns SQLite's memory statistics off (<c>SQLITE_CONFIG_MEMSTATUS</c>, 0), once per process: with them on, every
    /// allocation and free of SQLite's takes one global mutex to count the bytes (<c>sqlite3_memory_used</c>), which
    /// every connection of the process shares; nothing here reads those figures or sets a heap limit that needs them.
    /// Returns SQLite's result code: <c>SQLITE_OK</c>, or <c>SQLITE_MISUSE</c> when SQLite was already initialized in
    /// this process (then the statistics stay on; nothing else changes).
    /// </summary>
    internal static int Configure() => MemoryStatus.Value;

    private static int DisableMemoryStatus()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }
}
