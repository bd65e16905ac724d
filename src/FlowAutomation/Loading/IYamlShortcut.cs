using YamlDotNet.Core.Events;

namespace FlowAutomation.Loading;

/// <summary>
/// A faster way to read one part of a file than YAML's parser: the part is read from the text by its owner, and the
/// parser reads the rest, from <see cref="Reduce"/>'s text, in which that part is replaced by something small that
/// keeps every line and column of the rest where it is. <see cref="YamlReader"/> uses the shortcut only when the
/// reduced text reads without any diagnostic and <see cref="Accept"/> finds the replacement where the part was, as
/// the part's value; otherwise it reads the whole text as if there were no shortcut, so every diagnostic is the one
/// the text gives.
/// </summary>
internal interface IYamlShortcut
{
    /// <summary>The text with the part replaced, or null when the part is not in the shape this shortcut reads.</summary>
    string? Reduce(string text);

    /// <summary>Whether the parser's events of the reduced text have the replacement where the part was.</summary>
    bool Accept(List<ParsingEvent> events);
}
