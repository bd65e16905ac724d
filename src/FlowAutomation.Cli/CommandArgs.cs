namespace FlowAutomation.Cli;

/// <summary>Positional arguments and <c>--name value</c> options (repeatable); an unknown option is a usage error.</summary>
internal sealed class CommandArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static CommandArgs Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options)
    {
        var result = new CommandArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                result.Positional.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!options.Contains(name))
            {
                throw new UsageException($"unknown option '--{name}'");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"option '--{name}' needs a value");
                }

                value = args[++i];
            }

            if (!result._options.TryGetValue(name, out var list))
            {
                result._options[name] = list = [];
            }

            list.Add(value);
        }

        return result;
    }

    public string? Option(string name) => _options.TryGetValue(name, out var values) ? values[^1] : null;

    public IReadOnlyList<string> Options(string name) => _options.TryGetValue(name, out var values) ? values : [];

    /// <summary>The option's value, which must be one of <paramref name="allowed"/>; the first is the default.</summary>
    public string Choice(string name, params string[] allowed)
    {
        var value = Option(name) ?? allowed[0];
        return allowed.Contains(value) ? value : throw new UsageException($"--{name} must be one of {string.Join(", ", allowed)}, not '{value}'");
    }
}
