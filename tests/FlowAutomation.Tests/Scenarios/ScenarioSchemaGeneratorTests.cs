using System.Text.Json.Nodes;
using FlowAutomation.Policy;
using FlowAutomation.Scenarios;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Tests.Scenarios;

/// <summary>The shipped scenario schema is the generator's output, it names exactly the keys the loader reads, and every sample scenario stays inside it.</summary>
public sealed class ScenarioSchemaGeneratorTests
{
    private static readonly JsonObject Schema = ScenarioSchemaGenerator.Build();

    private static IEnumerable<string> Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key);

    private static JsonObject Definition(string name) => Schema["definitions"]![name]!.AsObject();

    [Fact]
    public void Generate_ShippedSchemaFile_IsUpToDate() =>
        RepoPaths.AssertMatchesFile(RepoPaths.Of("docs", "scenario.schema.json"), ScenarioSchemaGenerator.Generate());

    [Fact]
    public void Build_Keys_AreTheLoadersKeys()
    {
        var expect = Schema["properties"]!["expect"]!;
        var blocked = expect["properties"]!["blocked"]!["items"]!;

        Assert.Equal(ScenarioLoader.Keys.Order(), Keys(Schema["properties"]).Order());
        Assert.Equal(ScenarioLoader.ContactKeys.Order(), Keys(Schema["properties"]!["contact"]!["properties"]).Order());
        Assert.Equal(ScenarioLoader.EventTypes.Append("at").Order(), Keys(Definition("event")["properties"]).Order());
        Assert.Equal(ScenarioExpectationsBinder.Keys.Order(), Keys(expect["properties"]).Order());
        Assert.Equal(ScenarioExpectationsBinder.ReasonCodes, blocked["properties"]!["reason"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(PolicyOverrides.Keys.Order(), Keys(Schema["properties"]!["policy"]!["properties"]).Order());
    }

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in ScenarioFiles.Expand([RepoPaths.Of("samples")]))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void SampleScenario_UsesOnlyKeysTheSchemaKnows(string relativePath)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.Of(relativePath))));

        var unknown = Unknown((YamlMappingNode)yaml.Documents[0].RootNode, Schema, "").ToList();

        Assert.Empty(unknown);
    }

    /// <summary>The keys of the mapping (and of the mappings below it) that the schema object does not list.</summary>
    private static IEnumerable<string> Unknown(YamlNode node, JsonNode? schema, string at)
    {
        schema = Resolve(schema);
        if (schema is null)
        {
            yield break;
        }

        if (schema["oneOf"] is JsonArray choices)
        {
            var fits = choices.Select(c => Resolve(c)).Where(c => Fits(node, c)).ToList();
            foreach (var key in fits.Count == 0 ? [$"{at}: fits none of its forms"] : Unknown(node, fits[0], at))
            {
                yield return key;
            }

            yield break;
        }

        switch (node)
        {
            case YamlMappingNode map when schema["properties"] is JsonObject properties:
                foreach (var (k, v) in map.Children)
                {
                    var key = ((YamlScalarNode)k).Value!;
                    if (properties[key] is { } child)
                    {
                        foreach (var inner in Unknown(v, child, $"{at}/{key}"))
                        {
                            yield return inner;
                        }
                    }
                    else if (schema["additionalProperties"] is JsonValue allowed && !allowed.GetValue<bool>())
                    {
                        yield return $"{at}/{key}";
                    }
                }

                break;
            case YamlSequenceNode seq when schema["items"] is { } items:
                foreach (var item in seq.Children)
                {
                    foreach (var inner in Unknown(item, items, $"{at}[]"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static bool Fits(YamlNode node, JsonNode? schema)
    {
        var types = schema?["type"] switch
        {
            JsonArray list => list.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        return node switch
        {
            YamlMappingNode => types.Contains("object"),
            YamlSequenceNode => types.Contains("array"),
            YamlScalarNode { Value: null or "" or "null" or "~" } when types.Contains("null") => true,
            YamlScalarNode => types.Intersect(["string", "number", "integer", "boolean"]).Any(),
            _ => false,
        };
    }

    private static JsonNode? Resolve(JsonNode? schema) =>
        schema?["$ref"] is { } reference ? Definition(reference.GetValue<string>()["#/definitions/".Length..]) : schema;
}
