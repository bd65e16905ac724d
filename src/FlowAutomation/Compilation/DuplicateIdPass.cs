using FlowAutomation.Diagnostics;
using FlowAutomation.Model;

namespace FlowAutomation.Compilation;

/// <summary>Flow ids are unique across the loaded set; the second and later uses are errors and are dropped.</summary>
internal static class DuplicateIdPass
{
    public static List<FlowDefinition> Run(List<FlowDefinition> flows, DiagnosticBag diagnostics)
    {
        var first = new Dictionary<string, FlowDefinition>(StringComparer.Ordinal);
        var kept = new List<FlowDefinition>(flows.Count);
        foreach (var flow in flows)
        {
            if (flow.Id.Length == 0)
            {
                continue; // an invalid or missing id is reported by the binder
            }

            if (first.TryGetValue(flow.Id, out var original))
            {
                diagnostics.Report(DiagnosticCodes.DuplicateFlowId, flow.Span, flow.Id, original.Span.ToString());
                continue;
            }

            first[flow.Id] = flow;
            kept.Add(flow);
        }

        return kept;
    }
}
