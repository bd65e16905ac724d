using System.Text.Json.Nodes;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Tests.Language;

/// <summary>The shipped schema is the generator's output, and the generator and the binder agree on every key.</summary>
public sealed class FlowSchemaGeneratorTests
{
    private static readonly JsonObject Schema = FlowSchemaGenerator.Build();

    private static JsonObject Definition(string name) => Schema["definitions"]![name]!.AsObject();

    private static IEnumerable<string> Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key);

    [Fact]
    public void Generate_ShippedSchemaFile_IsUpToDate() =>
        RepoPaths.AssertMatchesFile(RepoPaths.Of("docs", "flow.schema.json"), FlowSchemaGenerator.Generate());

    [Fact]
    public void Build_RootProperties_AreTheBindersFlowKeys()
    {
        Assert.Equal(FlowVocabulary.FlowKeys.Order(), Keys(Schema["properties"]).Order());
        Assert.Equal(FlowVocabulary.RequiredFlowKeys, Schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Build_ConditionProperties_AreEveryPathAndGroupKey()
    {
        var conditions = Definition("conditions");
        var expected = FlowVocabulary.GroupKeys.Concat(PathCatalog.All.Where(p => !p.IsFieldMap).Select(p => p.Name));

        Assert.Equal(expected.Order(), Keys(conditions["properties"]).Order());
        Assert.Equal(2, conditions["patternProperties"]!.AsObject().Count);
    }

    [Fact]
    public void Build_TestOperators_AreEveryOperatorAndWholeWord()
    {
        var objectForm = Definition("test")["oneOf"]!.AsArray()[2]!["properties"];
        var expected = FlowVocabulary.Operators.Select(o => o.Name).Append(FlowVocabulary.WholeWordKey);

        Assert.Equal(expected.Order(), Keys(objectForm).Order());
    }

    [Fact]
    public void Build_Actions_AreEveryAction()
    {
        var names = Definition("action")["oneOf"]!.AsArray().Skip(1).Select(a => Keys(a!["properties"]).Single());

        Assert.Equal(FlowVocabulary.ActionNames, names);
    }

    [Theory]
    [InlineData("name: x")]
    [InlineData("description: x")]
    [InlineData("enabled: true")]
    [InlineData("priority: 3")]
    [InlineData("once_per: window")]
    [InlineData("when: { message.text: hi }")]
    public void Compile_EverySchemaRootKey_IsAcceptedByTheBinder(string line)
    {
        var key = line.Split(':')[0];
        Assert.Contains(key, Keys(Schema["properties"]));

        var result = new FlowCompiler().CompileTexts(("f.yaml", $"flow: a\non: message.received\n{line}\nthen: [tag: x]\n"));

        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Compile_KeyOutsideTheSchema_IsRejectedByTheBinder()
    {
        Assert.DoesNotContain("trigger", Keys(Schema["properties"]));

        var result = new FlowCompiler().CompileTexts(("f.yaml", "flow: a\non: message.received\ntrigger: x\nthen: [tag: x]\n"));

        Assert.Equal(DiagnosticCodes.UnknownKey.Code, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Build_EveryConditionPath_IsAcceptedByTheBinder()
    {
        foreach (var path in Keys(Definition("conditions")["properties"]).Except(FlowVocabulary.GroupKeys))
        {
            var result = new FlowCompiler().CompileTexts(("f.yaml", $"flow: a\non: message.received\nwhen:\n  {path}: {{ exists: true }}\nthen: [tag: x]\n"));

            Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        }
    }
}
