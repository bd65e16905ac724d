using System.Collections.Frozen;
using FlowAutomation.Model;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace FlowAutomation.Templates;

/// <summary>
/// The only things a template sees: the facts (the event, the contact, the conversation) as a tree of read-only
/// script objects with the same paths conditions read, and <c>now</c>, the engine's clock (UTC). No .NET object of
/// ours is exposed. A value is read through <see cref="PathResolver"/> when the template reads it, so a template and
/// a condition never disagree, and a render builds only the objects it walks through. A missing value, and a text
/// that is empty or only blanks, is null, so that <c>{{ contact.name ?? "there" }}</c> and <c>{{ if contact.name }}</c>
/// treat them alike. Every object is there for every trigger (a lead's values are null in a message flow).
/// </summary>
internal static class TemplateGlobals
{
    private static readonly object True = true;
    private static readonly object False = false;

    /// <summary>For each object (<c>""</c> is the root, then <c>contact</c>, <c>message.referral</c>, …) its members.</summary>
    private static readonly FrozenDictionary<string, FrozenDictionary<string, Member>> Objects = BuildObjects();

    /// <summary>The root for one render: the facts' objects, <c>now</c>, and room for the template's own variables.</summary>
    public static IScriptObject From(FactSnapshot facts, DateTimeOffset now) => new Node(facts, string.Empty, null, now.UtcDateTime);

    /// <summary>A member of an object: a value (a path), another object, or a map of fields by name.</summary>
    private readonly record struct Member(FieldPath? Path, string? Child, PathId? FieldMap);

    private static FrozenDictionary<string, FrozenDictionary<string, Member>> BuildObjects()
    {
        var objects = new Dictionary<string, Dictionary<string, Member>>(StringComparer.Ordinal);
        void Add(string owner, string name, Member member)
        {
            if (!objects.TryGetValue(owner, out var members))
            {
                objects[owner] = members = new Dictionary<string, Member>(StringComparer.Ordinal);
            }

            members.TryAdd(name, member);
        }

        foreach (var path in PathCatalog.All)
        {
            var name = path.IsFieldMap ? path.Name[..^2] : path.Name;
            var parts = name.Split('.');
            for (var i = 0; i < parts.Length - 1; i++)
            {
                Add(string.Join('.', parts[..i]), parts[i], new Member(null, string.Join('.', parts[..(i + 1)]), null));
            }

            Add(string.Join('.', parts[..^1]), parts[^1], path.IsFieldMap ? new Member(null, name, path.Id) : new Member(new FieldPath(path.Id, null), null, null));
        }

        return objects.ToFrozenDictionary(o => o.Key, o => o.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private static object? Value(FactValue value) => value switch
    {
        { IsMissing: true } => null,
        { Kind: ValueKind.Text } => string.IsNullOrWhiteSpace(value.Text) ? null : value.Text,
        { Kind: ValueKind.Boolean } => value.Boolean ? True : False,
        { Kind: ValueKind.Number } => value.Number == Math.Floor(value.Number) && Math.Abs(value.Number) < int.MaxValue ? (int)value.Number : value.Number,
        { Kind: ValueKind.TagSet } => Tags(value.Tags!),
        _ => value.ToString(), // a duration, as conditions write it: 47h30m
    };

    private static ScriptArray Tags(IReadOnlySet<string> tags)
    {
        var array = new ScriptArray(tags.Count);
        foreach (var tag in tags.Order(StringComparer.Ordinal))
        {
            array.Add(tag);
        }

        return array;
    }

    /// <summary>
    /// One object of the tree. Read-only, except the root, which keeps the variables a template assigns
    /// (<c>{{ name = … }}</c>) as long as they do not shadow the facts.
    /// </summary>
    private sealed class Node(FactSnapshot facts, string name, PathId? fieldMap, DateTime now) : IScriptObject
    {
        private Dictionary<string, object?>? _variables;

        public int Count => Members.Count + (_variables?.Count ?? 0);

        public bool IsReadOnly
        {
            get => name.Length > 0;
            set { }
        }

        private FrozenDictionary<string, Member> Members => fieldMap is null ? Objects[name] : FrozenDictionary<string, Member>.Empty;

        private bool IsRoot => name.Length == 0;

        public IEnumerable<string> GetMembers() => fieldMap is { } map
            ? (map == PathId.LeadField ? facts.Event.Lead?.Fields.Keys ?? Enumerable.Empty<string>() : facts.Contact.Fields.Keys)
            : Members.Keys.Concat(IsRoot ? ["now", .. _variables?.Keys ?? Enumerable.Empty<string>()] : []);

        public bool Contains(string member) =>
            fieldMap is not null ? TryRead(member, out _) : Members.ContainsKey(member) || (IsRoot && (member == "now" || (_variables?.ContainsKey(member) ?? false)));

        public bool TryGetValue(TemplateContext? context, SourceSpan span, string member, out object? value) => TryRead(member, out value);

        public bool CanWrite(string member) => IsRoot && member != "now" && !Members.ContainsKey(member);

        public bool TrySetValue(TemplateContext? context, SourceSpan span, string member, object? value, bool readOnly)
        {
            if (!CanWrite(member))
            {
                return false;
            }

            (_variables ??= new Dictionary<string, object?>(StringComparer.Ordinal))[member] = value;
            return true;
        }

        public bool Remove(string member) => IsRoot && (_variables?.Remove(member) ?? false);

        public void SetReadOnly(string member, bool readOnly)
        {
        }

        public IScriptObject Clone(bool deep) => new Node(facts, name, fieldMap, now) { _variables = _variables is null ? null : new(_variables, StringComparer.Ordinal) };

        public override string ToString() => name;

        private bool TryRead(string member, out object? value)
        {
            if (fieldMap is { } map)
            {
                var field = PathResolver.Resolve(new FieldPath(map, member), facts);
                value = Value(field);
                return !field.IsMissing;
            }

            if (Members.TryGetValue(member, out var known))
            {
                value = known switch
                {
                    { Path: { } path } => Value(PathResolver.Resolve(path, facts)),
                    { Child: { } child } => new Node(facts, child, known.FieldMap, now),
                    _ => null,
                };
                return true;
            }

            if (IsRoot && member == "now")
            {
                value = now;
                return true;
            }

            value = null;
            return IsRoot && _variables is not null && _variables.TryGetValue(member, out value);
        }
    }
}
