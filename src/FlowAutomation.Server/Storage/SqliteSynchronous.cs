namespace FlowAutomation.Server.Storage;

/// <summary>SQLite's <c>synchronous</c> setting (<c>Storage:Synchronous</c>): how far a committed transaction survives.</summary>
internal enum SqliteSynchronous
{
    /// <summary>Every committed transaction survives a crash of the process (SIGKILL); fsyncs at checkpoints.</summary>
    Normal,

    /// <summary>Also survives a power cut, at a cost per commit.</summary>
    Full,

    /// <summary>No fsync at all: only for the throwaway file of <see cref="StorageProvider.TemporaryFile"/>.</summary>
    Off,
}
