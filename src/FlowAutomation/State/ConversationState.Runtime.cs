using FlowAutomation.Model;

namespace FlowAutomation.State;

/// <summary>What the runtime keeps beside the guard's numbers: who the contact is, and when each flow last fired.</summary>
public sealed partial record ConversationState
{
    private string? _contactName;
    private string? _contactCountry;
    private string? _contactLanguage;
    private DateTimeOffset _stretchStart;
    private FlowFiringDictionary _flowsFired = FlowFiringDictionary.Empty;
    private ContactFactsCache _contactFacts;

    /// <summary>The contact's display name, as the latest event gave it.</summary>
    public string? ContactName { get => _contactName; init => _contactName = value; }

    /// <summary>The contact's country (ISO 3166 alpha-2), as the latest event gave it.</summary>
    public string? ContactCountry { get => _contactCountry; init => _contactCountry = value; }

    /// <summary>The contact's language, as the latest event gave it.</summary>
    public string? ContactLanguage { get => _contactLanguage; init => _contactLanguage = value; }

    /// <summary>
    /// When the current stretch of conversation began: the customer message (or lead) that opened a window while no
    /// window was open. Messages inside an open window extend the window but not the stretch; <c>once_per: window</c>
    /// counts from here.
    /// </summary>
    public DateTimeOffset? StretchStart { get => Time(Times.StretchStart, _stretchStart); init => SetTime(ref _stretchStart, Times.StretchStart, value); }

    /// <summary>When each flow last fired in this conversation, for <c>once_per</c> (flow ids ordinal).</summary>
    public FlowFiringDictionary FlowsFired { get => _flowsFired; init => _flowsFired = value ?? FlowFiringDictionary.Empty; }

    /// <summary>Takes the profile fields the event carries; a missing field keeps what is known (and the state itself when nothing changes).</summary>
    public ConversationState WithContact(string? contactId, string? name, string? country, string? language) =>
        ChangesContact(contactId, name, country, language) ? Draft().ApplyContact(contactId, name, country, language) : this;

    /// <summary>Starts a new stretch at <paramref name="at"/> unless a window is still open then; call before the window moves.</summary>
    public ConversationState BeginStretch(DateTimeOffset at) => BeginsStretch(at) ? Draft().ApplyStretch(at) : this;

    public ConversationState RecordFired(string flowId, DateTimeOffset at) => Draft().ApplyFired(flowId, at);

    /// <summary>Whether <see cref="WithContact"/> changes anything: a field the event carries that differs from what is known.</summary>
    internal bool ChangesContact(string? contactId, string? name, string? country, string? language) =>
        (contactId ?? ContactId) != ContactId || (name ?? ContactName) != ContactName
        || (country ?? ContactCountry) != ContactCountry || (language ?? ContactLanguage) != ContactLanguage;

    /// <summary>Whether a customer message (or lead) at <paramref name="at"/> begins a new stretch (see <see cref="BeginStretch"/>).</summary>
    internal bool BeginsStretch(DateTimeOffset at) => !(WindowEnd is { } end && end > at && StretchStart is not null);

    /// <summary>
    /// Whether the flow already fired in the scope: the contact and the conversation are the same on TikTok (one
    /// conversation per contact); the window scope counts firings since the current stretch began (see <see cref="StretchStart"/>).
    /// </summary>
    public bool HasFired(string flowId, OncePer scope) =>
        _flowsFired.TryGetValue(flowId, out var at) && (scope != OncePer.Window || (StretchStart is { } start && at >= start));

    /// <summary>The contact facts rules and templates read: the profile fields with this conversation's tags and fields.</summary>
    public ContactFacts Contact() => new(ContactId ?? ConversationId, ContactName, ContactCountry, ContactLanguage, Tags, Fields);

    /// <summary>
    /// <see cref="Contact"/>, made once for as long as the contact's fields, tags and fields stay the same objects: the
    /// facts made for this state or for the one it was drafted from, else new ones, which a draft keeps
    /// (<paramref name="keep"/>) for itself and the states drafted from it. A state others may read is never written.
    /// </summary>
    internal ContactFacts CachedContact(bool keep)
    {
        if (_contactFacts.Facts is { } known && ReferenceEquals(known.Tags, _tags) && ReferenceEquals(known.Fields, _fields)
            && ReferenceEquals(known.Name, _contactName) && ReferenceEquals(known.Country, _contactCountry)
            && ReferenceEquals(known.Language, _contactLanguage) && ReferenceEquals(known.Id, _contactId ?? ConversationId))
        {
            return known;
        }

        var facts = Contact();
        if (keep)
        {
            _contactFacts = new(facts);
        }

        return facts;
    }

    /// <summary>
    /// Contact facts made from a state: a cache that takes no part in the state's value (any two are equal), so that two
    /// states are equal exactly when their properties are, whatever each has cached.
    /// </summary>
    private readonly struct ContactFactsCache(ContactFacts? facts) : IEquatable<ContactFactsCache>
    {
        public ContactFacts? Facts { get; } = facts;

        public static bool operator ==(ContactFactsCache left, ContactFactsCache right) => left.Equals(right);

        public static bool operator !=(ContactFactsCache left, ContactFactsCache right) => !left.Equals(right);

        public bool Equals(ContactFactsCache other) => true;

        public override bool Equals(object? obj) => obj is ContactFactsCache;

        public override int GetHashCode() => 0;
    }
}
