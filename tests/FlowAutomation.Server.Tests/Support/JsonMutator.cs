using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>What a structured mutation does to the node it targets (see <see cref="JsonMutator"/>).</summary>
internal enum MutationKind
{
    /// <summary>Invalid UTF-8 bytes inside the string (a non-string becomes such a string).</summary>
    InvalidUtf8,

    /// <summary>Invalid UTF-8 bytes inside the name of the property holding the node.</summary>
    InvalidUtf8InName,

    /// <summary>An escaped unpaired surrogate (<c>\ud800</c>) inside the string.</summary>
    UnpairedSurrogate,

    /// <summary>A value of another JSON type (number, boolean, string, array, object).</summary>
    WrongType,

    /// <summary>JSON <c>null</c>.</summary>
    Null,

    /// <summary>The property (or array item) is left out.</summary>
    Missing,

    /// <summary>Numbers no field expects: beyond double, beyond long, negative, fractions, epoch far ahead.</summary>
    HugeNumber,

    /// <summary>Strings that are valid but odd: NUL, bidi marks, emoji, dates out of range, digits beyond long, very long text.</summary>
    OddString,

    /// <summary>Arrays or objects nested deeply, below and above the parser's depth limit.</summary>
    DeepNesting,

    /// <summary>The property written twice, once with another value (first or last).</summary>
    DuplicateKey,

    /// <summary>TikTok's <c>content</c> written as an inline object instead of a JSON string.</summary>
    InlineContent,
}

/// <summary>One mutation: its kind, the node it targets (a pre-order index, taken modulo the node count) and a variant.</summary>
internal sealed record Mutation(MutationKind Kind, int Target, int Variant)
{
    public override string ToString() => $"{Kind}@{Target}/{Variant}";
}

/// <summary>
/// Structured mutations of a valid webhook body: the body is parsed into a tree (TikTok's <c>content</c>, a JSON
/// document inside a string, is a tree of its own, so its fields are mutated too), and written back as UTF-8 bytes
/// with the mutations applied to the nodes they target, optionally truncated. Random bytes never get past the JSON
/// reader; these reach every field of every parser.
/// </summary>
internal sealed class JsonMutator
{
    private static readonly string[] WrongTypes = ["0", "-1", "1.5", "true", "false", "\"\"", "\"x\"", "\" \"", "[]", "{}", "[1,\"a\",null]", "{\"a\":{\"b\":[1]}}"];

    private static readonly string[] HugeNumbers =
    [
        "1e400", "-1e400", "123456789012345678901234567890", "9223372036854775807", "-9223372036854775808", "18446744073709551616",
        "253402300800", "253402300800000", "99999999999999999999999999", "0.000000000000000000001", "-0", "1E+308",
    ];

    private static readonly string[] OddStrings =
    [
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u202e\\u200b\\ufeff\"", "\"🙂👍🏽\"", "\"\\ud83d\\ude00\"", "\"9999-12-31T23:59:59.999+1400\"",
        "\"0001-01-01T00:00:00.000-1400\"", "\"2025-13-45T99:99:99.000+0000\"", "\"99999999999999999999\"", "\"-1\"", "\"1e400\"",
        "\"\\n\\t\\r\"", "\"<script>{{x}}</script>\"", "\"{{#each contact}}{{/each}}\"", "\"" + new string('x', 5000) + "\"",
    ];

    private static readonly byte[][] InvalidSequences = [[0x80], [0xC3, 0x28], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]];

    private static readonly string[] Surrogates = ["\\ud800", "\\udc00x", "\\ud800\\ud800", "\\udbff"];

    private static readonly int[] Depths = [20, 31, 33, 64, 5000];

    private readonly Node _root;

    public JsonMutator(string json)
    {
        using var document = JsonDocument.Parse(json);
        _root = Build(document.RootElement, null);
        NodeCount = Size(_root);
    }

    /// <summary>How many nodes a mutation can target (the embedded content's nodes included).</summary>
    public int NodeCount { get; }

    /// <summary>The body with <paramref name="mutations"/> applied, then cut to <paramref name="truncateTo"/> bytes when given.</summary>
    public byte[] Write(IEnumerable<Mutation> mutations, int? truncateTo = null)
    {
        var byTarget = new Dictionary<int, Mutation>();
        foreach (var mutation in mutations)
            byTarget.TryAdd(((mutation.Target % NodeCount) + NodeCount) % NodeCount, mutation);
        var buffer = new List<byte>();
        var index = 0;
        WriteNode(_root, buffer, ref index, byTarget);
        return truncateTo is { } length && length < buffer.Count ? [.. buffer.Take(Math.Max(0, length))] : [.. buffer];
    }

    private abstract record Node;

    private sealed record ObjectNode(List<(string Name, Node Value)> Properties) : Node;

    private sealed record ArrayNode(List<Node> Items) : Node;

    /// <summary>A number, boolean, null or string, as its raw JSON text.</summary>
    private sealed record ScalarNode(string Raw, JsonValueKind Kind) : Node;

    /// <summary>A string whose text is itself a JSON document (TikTok's <c>content</c>).</summary>
    private sealed record EmbeddedNode(Node Document) : Node;

    private static Node Build(JsonElement element, string? name)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return new ObjectNode([.. element.EnumerateObject().Select(p => (p.Name, Build(p.Value, p.Name)))]);
            case JsonValueKind.Array:
                return new ArrayNode([.. element.EnumerateArray().Select(e => Build(e, null))]);
            case JsonValueKind.String when name == "content" && element.GetString() is { } text && text.TrimStart().StartsWith('{'):
                using (var inner = JsonDocument.Parse(text))
                    return new EmbeddedNode(Build(inner.RootElement, null));
            default:
                return new ScalarNode(element.GetRawText(), element.ValueKind);
        }
    }

    private static int Size(Node node) => node switch
    {
        ObjectNode o => 1 + o.Properties.Sum(p => Size(p.Value)),
        ArrayNode a => 1 + a.Items.Sum(Size),
        EmbeddedNode e => 1 + Size(e.Document),
        _ => 1,
    };

    private static void WriteNode(Node node, List<byte> output, ref int index, Dictionary<int, Mutation> mutations)
    {
        var mine = index;
        if (mutations.TryGetValue(mine, out var mutation) && WriteReplacement(node, mutation, output))
        {
            index += Size(node);
            return;
        }

        index++;
        switch (node)
        {
            case ObjectNode o:
                output.Add((byte)'{');
                var first = true;
                foreach (var (name, value) in o.Properties)
                {
                    var valueIndex = index;
                    mutations.TryGetValue(valueIndex, out var onValue);
                    if (onValue?.Kind == MutationKind.Missing)
                    {
                        index += Size(value);
                        continue;
                    }
                    if (onValue?.Kind == MutationKind.DuplicateKey && onValue.Variant % 2 == 0)
                        WriteDuplicate(name, onValue, output, ref first);
                    Separator(output, ref first);
                    WriteName(name, onValue?.Kind == MutationKind.InvalidUtf8InName ? onValue : null, output);
                    WriteNode(value, output, ref index, mutations);
                    if (onValue?.Kind == MutationKind.DuplicateKey && onValue.Variant % 2 == 1)
                        WriteDuplicate(name, onValue, output, ref first);
                }
                output.Add((byte)'}');
                break;
            case ArrayNode a:
                output.Add((byte)'[');
                var firstItem = true;
                foreach (var item in a.Items)
                {
                    if (mutations.TryGetValue(index, out var onItem) && onItem.Kind == MutationKind.Missing)
                    {
                        index += Size(item);
                        continue;
                    }
                    Separator(output, ref firstItem);
                    WriteNode(item, output, ref index, mutations);
                }
                output.Add((byte)']');
                break;
            case EmbeddedNode e:
                var inner = new List<byte>();
                WriteNode(e.Document, inner, ref index, mutations);
                if (mutation?.Kind == MutationKind.InlineContent)
                {
                    output.AddRange(inner);
                    break;
                }
                output.Add((byte)'"');
                foreach (var b in inner)
                {
                    if (b == (byte)'"' || b == (byte)'\\')
                        output.Add((byte)'\\');
                    if (b < 0x20)
                        output.AddRange(Encoding.ASCII.GetBytes($"\\u{b:x4}"));
                    else
                        output.Add(b);
                }
                output.Add((byte)'"');
                break;
            case ScalarNode s:
                output.AddRange(Encoding.UTF8.GetBytes(s.Raw));
                break;
        }
    }

    /// <summary>Writes what replaces the node, or returns false when the mutation does not replace it (it acts on its property, or inside it).</summary>
    private static bool WriteReplacement(Node node, Mutation mutation, List<byte> output)
    {
        var variant = Math.Abs(mutation.Variant);
        switch (mutation.Kind)
        {
            case MutationKind.InvalidUtf8:
                var bad = InvalidSequences[variant % InvalidSequences.Length];
                if (node is ScalarNode { Kind: JsonValueKind.String } text && text.Raw.Length >= 2)
                {
                    var raw = Encoding.UTF8.GetBytes(text.Raw);
                    var at = 1 + (variant % (raw.Length - 1));
                    output.AddRange(raw[..at]);
                    output.AddRange(bad);
                    output.AddRange(raw[at..]);
                }
                else
                {
                    output.AddRange("\"ab"u8.ToArray());
                    output.AddRange(bad);
                    output.AddRange("cd\""u8.ToArray());
                }
                return true;
            case MutationKind.UnpairedSurrogate:
                var surrogate = Surrogates[variant % Surrogates.Length];
                var original = node is ScalarNode { Kind: JsonValueKind.String } s ? s.Raw[1..^1] : "id";
                output.AddRange(Encoding.UTF8.GetBytes($"\"{original[..(variant % (original.Length + 1))]}{surrogate}{original[(variant % (original.Length + 1))..]}\""));
                return true;
            case MutationKind.WrongType:
                output.AddRange(Encoding.UTF8.GetBytes(WrongTypes[variant % WrongTypes.Length]));
                return true;
            case MutationKind.Null:
                output.AddRange("null"u8.ToArray());
                return true;
            case MutationKind.HugeNumber:
                output.AddRange(Encoding.UTF8.GetBytes(HugeNumbers[variant % HugeNumbers.Length]));
                return true;
            case MutationKind.OddString:
                output.AddRange(Encoding.UTF8.GetBytes(OddStrings[variant % OddStrings.Length]));
                return true;
            case MutationKind.DeepNesting:
                var depth = Depths[variant % Depths.Length];
                var (open, close) = variant % 2 == 0 ? ("[", "]") : ("{\"a\":", "}");
                var sb = new StringBuilder();
                for (var i = 0; i < depth; i++)
                    sb.Append(open);
                sb.Append("\"deep\"");
                for (var i = 0; i < depth; i++)
                    sb.Append(close);
                output.AddRange(Encoding.UTF8.GetBytes(sb.ToString()));
                return true;
            default:
                return false; // Missing, InvalidUtf8InName and DuplicateKey act on the property; InlineContent inside the node
        }
    }

    private static void WriteDuplicate(string name, Mutation mutation, List<byte> output, ref bool first)
    {
        Separator(output, ref first);
        WriteName(name, null, output);
        output.AddRange(Encoding.UTF8.GetBytes(WrongTypes[Math.Abs(mutation.Variant / 2) % WrongTypes.Length]));
    }

    private static void WriteName(string name, Mutation? invalid, List<byte> output)
    {
        var raw = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name));
        if (invalid is null)
        {
            output.AddRange(raw);
        }
        else
        {
            var at = 1 + (Math.Abs(invalid.Variant) % (raw.Length - 1));
            output.AddRange(raw[..at]);
            output.AddRange(InvalidSequences[Math.Abs(invalid.Variant) % InvalidSequences.Length]);
            output.AddRange(raw[at..]);
        }
        output.Add((byte)':');
    }

    private static void Separator(List<byte> output, ref bool first)
    {
        if (!first)
            output.Add((byte)',');
        first = false;
    }

    public static string Describe(IEnumerable<Mutation> mutations, int? truncateTo) =>
        string.Join(", ", mutations) + (truncateTo is { } t ? string.Create(CultureInfo.InvariantCulture, $", truncated to {t} bytes") : "");
}
