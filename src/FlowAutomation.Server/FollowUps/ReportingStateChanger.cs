using Hangfire.States;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// Hangfire's state changer, reporting after each change. A worker's change of a job after its run (to
/// <c>Succeeded</c>, <c>Failed</c>…) commits its own transaction inside <see cref="ChangeState"/>, so by the report the
/// new state is readable; a change inside a caller's transaction (<see cref="StateChangeContext.Transaction"/>) is
/// reported before that caller commits.
/// </summary>
internal sealed class ReportingStateChanger(IBackgroundJobStateChanger inner, Action changed) : IBackgroundJobStateChanger
{
    public IState ChangeState(StateChangeContext context)
    {
        var state = inner.ChangeState(context);
        changed();
        return state;
    }
}
