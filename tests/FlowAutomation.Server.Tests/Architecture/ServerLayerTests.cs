using FlowAutomation.Server.Hosting;

namespace FlowAutomation.Server.Tests.Architecture;

/// <summary>
/// The service's namespaces depend one way (docs/architecture.md, "The service"): each may use its own types and the
/// layers below it, never a layer above or a sibling on its own layer. The check reads the compiled assembly
/// (<see cref="TypeReferences"/>: signatures, fields and every method body, lambdas and async methods included).
/// </summary>
public sealed class ServerLayerTests
{
    private const string Root = "FlowAutomation.Server";

    /// <summary>Bottom to top. A layer with two namespaces holds siblings that know nothing of each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Common"],
        ["Storage"],
        ["Images", "Sending"],
        ["Outbox", "FollowUps"],
        ["Runtime"],
        ["Inbox"],
        ["Webhooks"],
        ["Admin"],
        ["Studio"],
        ["Hosting"],
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Uses = new(() => TypeReferences.Read(typeof(ServerHost).Assembly));

    public static TheoryData<string> Namespaces() => [.. Layers.SelectMany(layer => layer)];

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void Namespace_UsesOnlyItselfAndTheLayersBelow(string name)
    {
        var level = Level(name);

        var backwards = Uses.Value.Where(type => Namespace(type.Key) == name)
            .SelectMany(type => type.Value.Where(used => Namespace(used) is { } other && other != name && Level(other) >= level).Select(used => $"{type.Key} uses {used}"))
            .Order(StringComparer.Ordinal).ToList();

        Assert.True(backwards.Count == 0,
            $"{Root}.{name} may use only the layers below it ({string.Join(", ", Layers.Take(level).SelectMany(l => l))}):{string.Concat(backwards.Select(b => Environment.NewLine + "  " + b))}");
    }

    [Fact]
    public void Assembly_EveryNamespaceHasALayer()
    {
        var unplaced = Uses.Value.Keys.Where(type => type.StartsWith(Root + ".", StringComparison.Ordinal) && Namespace(type) is null)
            .Order(StringComparer.Ordinal).ToList();

        Assert.True(unplaced.Count == 0, $"these types are in a namespace with no layer (place it here and in docs/architecture.md): {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void TypeReferences_TypeUsedOnlyInsideAnAsyncLambda_IsFound()
    {
        var uses = TypeReferences.Read(typeof(ServerLayerTests).Assembly);

        Assert.Contains(typeof(ServerLayerTests).FullName!, uses[typeof(AsyncLambdaUser).FullName!]);
        Assert.DoesNotContain(typeof(TypeReferences).FullName!, uses[typeof(AsyncLambdaUser).FullName!]);
    }

    /// <summary>The namespace under <see cref="Root"/> a type belongs to (its first segment), or null when it has no layer.</summary>
    private static string? Namespace(string type)
    {
        if (!type.StartsWith(Root + ".", StringComparison.Ordinal))
            return null;
        var segment = type[(Root.Length + 1)..].Split('.')[0];
        return Layers.Any(layer => layer.Contains(segment)) && type.Count(c => c == '.') > 2 ? segment : null;
    }

    private static int Level(string name) => Array.FindIndex(Layers, layer => layer.Contains(name));
}

/// <summary>Uses <see cref="ServerLayerTests"/> only inside a lambda that is an async method: nested, compiler-generated code.</summary>
internal static class AsyncLambdaUser
{
    public static Func<Task<int>> Make() => async () =>
    {
        await Task.Yield();
        return new ServerLayerTests().GetHashCode();
    };
}
