using System.Collections.Frozen;
using Scriban;
using Scriban.Runtime;

namespace FlowAutomation.Templates;

/// <summary>
/// The built-in functions a template may call: Scriban's own (<c>string</c>, <c>array</c>, <c>math</c>, <c>date</c>,
/// <c>timespan</c>, <c>object</c>, <c>regex</c>), less what reaches outside the flow's facts. The same catalogue
/// answers the compiler ("is this a function? did you mean…?") and builds each renderer's built-ins.
/// </summary>
internal static class TemplateFunctions
{
    private const string WallClock = "it reads the server's wall clock; use now, the engine's clock (virtual in a dry run)";
    private const string Random = "a random value would make a dry run send another text than the service";
    private const string Evaluated = "code built when the message is sent is never checked";
    private const string Include = "a template cannot include another template";

    /// <summary>Built-ins left out, and why; an object's name stands for all its functions.</summary>
    private static readonly FrozenDictionary<string, string> Unavailable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["include"] = Include,
        ["include_join"] = Include,
        ["html"] = "chat text is plain text, nothing is escaped or turned into HTML",
        ["date.now"] = WallClock,
        ["date.utc_now"] = WallClock,
        ["math.random"] = Random,
        ["math.uuid"] = Random,
        ["object.eval"] = Evaluated,
        ["object.eval_template"] = Evaluated,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>One instance to look names up in; never handed to a template.</summary>
    private static readonly ScriptObject Catalogue = CreateBuiltins();

    /// <summary>The built-in objects (<c>string</c>, <c>array</c>, …) and their members.</summary>
    private static readonly FrozenDictionary<string, string[]> Members = Catalogue
        .Where(kv => kv.Value is ScriptObject)
        .ToFrozenDictionary(kv => kv.Key, kv => ((ScriptObject)kv.Value!).Keys.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    /// <summary>
    /// A new set of built-ins for one <see cref="TemplateContext"/>: each renderer has its own, so that nothing a
    /// template does on one thread is seen on another.
    /// </summary>
    public static ScriptObject CreateBuiltins()
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        foreach (var name in Unavailable.Keys)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                builtins.Remove(name);
            }
            else if (builtins[name[..dot]] is ScriptObject owner)
            {
                owner.Remove(name[(dot + 1)..]);
            }
        }

        return builtins;
    }

    /// <summary>Whether <paramref name="name"/> is a built-in object such as <c>string</c>.</summary>
    public static bool IsObject(string name) => Members.ContainsKey(name);

    /// <summary>A built-in value that is not a function: <c>empty</c>, <c>blank</c>.</summary>
    public static bool IsValue(string name) => name is "empty" or "blank";

    /// <summary>The function a qualified name (<c>string.upcase</c>) stands for, or null.</summary>
    public static IScriptCustomFunction? Find(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && Catalogue[qualified[..dot]] is ScriptObject owner ? owner[qualified[(dot + 1)..]] as IScriptCustomFunction : null;
    }

    /// <summary>The members of a built-in object, for "did you mean".</summary>
    public static IReadOnlyList<string> MembersOf(string objectName) => Members.TryGetValue(objectName, out var members) ? members : [];

    /// <summary>Why a built-in is left out (by its qualified name or its object's name), or null when it is available.</summary>
    public static string? WhyUnavailable(string name)
    {
        if (Unavailable.TryGetValue(name, out var why))
        {
            return why;
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && Unavailable.TryGetValue(name[..dot], out why) ? why : null;
    }

    /// <summary>"a text and a length" style description of what a function takes, from Scriban's parameter info.</summary>
    public static string DescribeParameters(IScriptFunctionInfo function)
    {
        var names = Enumerable.Range(0, function.ParameterCount).Select(i => function.GetParameterInfo(i).Name).ToList();
        var required = function.RequiredParameterCount;
        var count = required == function.ParameterCount ? Count(required) : $"{required} to {function.ParameterCount} arguments";
        return names.Count == 0 ? "no argument" : $"{count} ({string.Join(", ", names.Select((n, i) => i < required ? n : n + "?"))})";
    }

    private static string Count(int n) => n == 1 ? "1 argument" : $"{n} arguments";
}
