using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.State;

/// <summary>What the runtime keeps beside the guard's numbers: who the contact is, and when each flow last fired.</summary>
public sealed partial record ConversationState
{
    /// <summary>The contact's display name, as the latest event gave it.</summary>
    public string? ContactName { get; init; }

    /// <summary>The contact's country (ISO 3166 alpha-2), as the latest event gave it.</summary>
    public string? ContactCountry { get; init; }

    /// <summary>The contact's language, as the latest event gave it.</summary>
    public string? ContactLanguage { get; init; }

    /// <summary>
    /// When the current stretch of conversation began: the customer message (or lead) that opened a window while no
    /// window was open. Messages inside an open window extend the window but not the stretch; <c>once_per: window</c>
    /// counts from here.
    /// </summary>
    public DateTimeOffset? StretchStart { get; init; }

    /// <summary>When each flow last fired in this conversation, for <c>once_per</c>.</summary>
    public ImmutableDictionary<string, DateTimeOffset> FlowsFired { get; init; } = ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>Takes the profile fields the event carries; a missing field keeps what is known (and the state itself when nothing changes).</summary>
    public ConversationState WithContact(string? contactId, string? name, string? country, string? language)
    {
        var (id, n, c, l) = (contactId ?? ContactId, name ?? ContactName, country ?? ContactCountry, language ?? ContactLanguage);
        return id == ContactId && n == ContactName && c == ContactCountry && l == ContactLanguage
            ? this
            : this with { ContactId = id, ContactName = n, ContactCountry = c, ContactLanguage = l };
    }

    /// <summary>Starts a new stretch at <paramref name="at"/> unless a window is still open then; call before the window moves.</summary>
    public ConversationState BeginStretch(DateTimeOffset at) =>
        WindowEnd is { } end && end > at && StretchStart is not null ? this : this with { StretchStart = at };

    public ConversationState RecordFired(string flowId, DateTimeOffset at) => this with { FlowsFired = FlowsFired.SetItem(flowId, at) };

    /// <summary>
    /// Whether the flow already fired in the scope: the contact and the conversation are the same on TikTok (one
    /// conversation per contact); the window scope counts firings since the current stretch began (see <see cref="StretchStart"/>).
    /// </summary>
    public bool HasFired(string flowId, OncePer scope) =>
        FlowsFired.TryGetValue(flowId, out var at) && (scope != OncePer.Window || (StretchStart is { } start && at >= start));

    /// <summary>The contact facts rules and templates read: the profile fields with this conversation's tags and fields.</summary>
    public ContactFacts Contact() => new(ContactId ?? ConversationId, ContactName, ContactCountry, ContactLanguage, Tags, Fields);
}
