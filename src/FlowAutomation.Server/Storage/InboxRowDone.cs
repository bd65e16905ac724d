using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Storage;

/// <summary>The inbox row <paramref name="Seq"/> delivered the work: the commit sets it <c>done</c> (a row done before: nothing is written).</summary>
internal sealed record InboxRowDone(long Seq) : CompletedWork;
