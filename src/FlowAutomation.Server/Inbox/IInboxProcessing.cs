using FlowAutomation.Server.Runtime;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// What the admin API and observers see of whichever processor runs this node's inbox (<see cref="InboxProcessor"/> on
/// SQLite, <see cref="PostgresInboxProcessor"/> on PostgreSQL), and the host starts and stops.
/// </summary>
internal interface IInboxProcessing : IHostedService
{
    /// <summary>Items this node ran to the end since its start (done, or found done before).</summary>
    long Processed { get; }

    /// <summary>Items this node set aside as failed since its start.</summary>
    long Failed { get; }

    /// <summary>Raised after each item this node finished (for tests and metrics); never throws into the processor.</summary>
    event Action<InboxItem>? Finished;
}
