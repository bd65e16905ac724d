namespace FlowAutomation.Rules;

/// <summary>
/// The slow path behind <see cref="RuleNetwork.Explain(Model.FactSnapshot, IFiringHistory?)"/>. It uses a session of its own (one kept by the network, reused: each event starts a new epoch of its scratch state),
/// computes every signal, and answers <see cref="ExplanationBuilder"/> with the network's own evaluation of every flow
/// and condition node, so the explanation cannot disagree with the normal path.
/// </summary>
internal sealed class RuleExplainer(RuleNetwork network)
{
    public RuleExplanation Explain(Model.FactSnapshot facts, IFiringHistory? history, IReadOnlyList<FlowEntry> chosen)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var session = network.RentExplainSession();
        session.BeginEvent(facts);
        session.ComputeAllSignals();
        var explanation = ExplanationBuilder.Explain(facts, history, network.Entries, chosen, e => session.EvaluateNode(e.Root), session.EvaluateNode);
        network.ReturnExplainSession(session);
        return explanation;
    }
}
