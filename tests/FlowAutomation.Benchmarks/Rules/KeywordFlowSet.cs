using System.Collections.Immutable;
using System.Text;
using FlowAutomation.Compilation;
using FlowAutomation.Model;

namespace FlowAutomation.Benchmarks.Rules;

/// <summary>
/// The issue's benchmark shape, generated deterministically: N flows "on message.received + message.text contains_any
/// 3 words of a 500-word vocabulary + contact.country equals one of 10 codes", written as YAML and compiled with
/// <see cref="FlowCompiler"/>; and random 8-word messages over the same vocabulary from contacts in those countries.
/// </summary>
internal static class KeywordFlowSet
{
    public static readonly string[] Countries = ["SG", "MY", "ID", "TH", "VN", "PH", "US", "GB", "AU", "JP"];

    public static string[] Vocabulary(int size, Random random)
    {
        const string consonants = "bcdfghjklmnprstvwz";
        const string vowels = "aeiou";
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < size)
        {
            var word = new StringBuilder();
            for (var s = random.Next(2, 5); s > 0; s--)
            {
                word.Append(consonants[random.Next(consonants.Length)]).Append(vowels[random.Next(vowels.Length)]);
            }

            words.Add(word.ToString());
        }

        return [.. words.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The flows as YAML files of at most 500 flows each (the loader refuses a file of more than 100,000 nodes);
    /// <paramref name="then"/> gives flow i's action lines (an <c>assign</c> to a team when not given).
    /// </summary>
    public static List<(string Path, string Text)> Yaml(int flows, string[] vocabulary, Random random, Func<int, string>? then = null)
    {
        var files = new List<(string, string)>();
        var yaml = new StringBuilder();
        for (var i = 0; i < flows; i++)
        {
            if (i > 0 && i % 500 == 0)
            {
                files.Add(($"bench/flows-{files.Count:D3}.yaml", yaml.ToString()));
                yaml.Clear();
            }

            var words = new HashSet<string>(StringComparer.Ordinal);
            while (words.Count < 3)
            {
                words.Add(vocabulary[random.Next(vocabulary.Length)]);
            }

            yaml.Append("flow: f").Append(i).Append('\n')
                .Append("priority: ").Append(random.Next(10)).Append('\n')
                .Append("on: message.received\n")
                .Append("when:\n")
                .Append("  message.text: { contains_any: [").AppendJoin(", ", words).Append("] }\n")
                .Append("  contact.country: ").Append(Countries[random.Next(Countries.Length)]).Append('\n')
                .Append("then:\n").Append(then?.Invoke(i) ?? "  - assign: { team: sales }\n").Append("---\n");
        }

        files.Add(($"bench/flows-{files.Count:D3}.yaml", yaml.ToString()));
        return files;
    }

    public static ImmutableArray<FlowDefinition> Compile(List<(string Path, string Text)> files)
    {
        var compilation = new FlowCompiler().CompileTexts([.. files]);
        return compilation.HasErrors
            ? throw new InvalidOperationException(string.Join(Environment.NewLine, compilation.Diagnostics.Take(5)))
            : compilation.Flows;
    }

    /// <summary>Random 8-word messages; the first word capitalised and a question mark at the end now and then.</summary>
    public static FactSnapshot[] Events(int count, string[] vocabulary, Random random)
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var conversation = new ConversationFacts("c-1", false, 2, null, null, 9, TimeSpan.FromHours(40));
        var events = new FactSnapshot[count];
        for (var i = 0; i < count; i++)
        {
            var words = Enumerable.Range(0, 8).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            var text = string.Join(' ', words) + (random.Next(3) == 0 ? "?" : string.Empty);
            var contact = ContactFacts.Create("u-" + i, country: Countries[random.Next(Countries.Length)]);
            events[i] = new FactSnapshot(FlowEvent.TextReceived(at, text), contact, conversation);
        }

        return events;
    }
}
