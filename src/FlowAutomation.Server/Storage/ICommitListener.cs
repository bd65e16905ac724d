using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Told after an <see cref="EngineCommit"/> is durable, for the work outside the database that follows a commit:
/// waking the outbox dispatcher, handing follow-ups to their timer (and taking cancelled ones back), writing the log
/// lines. The store calls every listener once per commit, in registration order; a listener's failure is logged and
/// changes nothing committed (what it missed is recovered from the database: the dispatcher polls, the follow-up
/// timer reconciles).
/// </summary>
internal interface ICommitListener
{
    ValueTask CommittedAsync(EngineCommit commit, CancellationToken cancellationToken);
}
