using System.Collections.Frozen;
using HandlebarsDotNet;

namespace FlowAutomation.Templates;

/// <summary>The helpers a template may call. Each is total: it never throws, whatever the arguments.</summary>
internal static class TemplateHelpers
{
    public static readonly FrozenSet<string> Inline = FrozenSet.Create(StringComparer.Ordinal, "default", "upper", "lower", "first_word", "trim");

    public static readonly FrozenSet<string> Block = FrozenSet.Create(StringComparer.Ordinal, "if", "unless", "each", "with");

    public static void Register(IHandlebars hb)
    {
        hb.RegisterHelper("default", (Context _, Arguments args) =>
        {
            var value = args.Length > 0 ? args[0] : null;
            return IsEmpty(value) ? (args.Length > 1 ? args[1] : string.Empty) : value;
        });
        hb.RegisterHelper("upper", (Context _, Arguments args) => Text(args).ToUpperInvariant());
        hb.RegisterHelper("lower", (Context _, Arguments args) => Text(args).ToLowerInvariant());
        hb.RegisterHelper("trim", (Context _, Arguments args) => Text(args).Trim());
        hb.RegisterHelper("first_word", (Context _, Arguments args) =>
        {
            var text = Text(args).Trim();
            var end = 0;
            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            return text[..end];
        });
    }

    private static string Text(Arguments args) => args.Length == 0 || IsEmpty(args[0]) ? string.Empty : args[0]?.ToString() ?? string.Empty;

    private static bool IsEmpty(object? value) =>
        value is null || value is UndefinedBindingResult || (value is string s && s.Length == 0);
}
