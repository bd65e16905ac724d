using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Runtime;

/// <summary>
/// Where each action is in its flow, as the YAML path of its list item (<c>then/2</c>, <c>then/4/follow_up/then/0</c>),
/// so that every action record names the YAML that produced it. Actions are found by reference: two equal actions
/// in different places keep their own paths.
/// </summary>
public sealed class ActionPaths
{
    private readonly Dictionary<FlowAction, string> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _followUps = new(StringComparer.Ordinal);

    public ActionPaths(IEnumerable<FlowDefinition> flows)
    {
        foreach (var flow in flows)
        {
            Collect(flow.Then, "then");
        }
    }

    /// <summary>The action's path, or null for an action that is not part of these flows.</summary>
    public string? Of(FlowAction action) => _paths.GetValueOrDefault(action);

    /// <summary>The path of the follow-up the compiler named <paramref name="followUpId"/> (<c>lead-thank-you#1</c>), or null.</summary>
    public string? OfFollowUp(string followUpId) => _followUps.GetValueOrDefault(followUpId);

    private void Collect(ImmutableArray<FlowAction> actions, string list)
    {
        for (var i = 0; i < actions.Length; i++)
        {
            var path = $"{list}/{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            _paths[actions[i]] = path;
            if (actions[i] is FollowUpAction followUp)
            {
                _followUps[followUp.Id] = path;
                Collect(followUp.Then, path + "/follow_up/then");
            }
        }
    }
}
