using System.Text;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using FlowAutomation.Model;
using FlowAutomation.Tests.TestSupport;

namespace FlowAutomation.Tests.Loading;

/// <summary>Inputs built to hurt a loader: each is answered with a diagnostic, never an exception or a hang.</summary>
public sealed class YamlReaderHostileInputTests
{
    private const string Path = "flows/hostile.yaml";

    private static async Task<(YamlSource? Source, IReadOnlyList<Diagnostic> Diagnostics)> ReadAsync(string text) =>
        await Bounded.RunAsync(() =>
        {
            var bag = new DiagnosticBag();
            var source = YamlReader.Read(Path, text, bag);
            return (source, bag.ToSortedList());
        });

    private static async Task<(YamlSource? Source, IReadOnlyList<Diagnostic> Diagnostics)> ReadBytesAsync(byte[] bytes) =>
        await Bounded.RunAsync(() =>
        {
            var bag = new DiagnosticBag();
            var source = YamlReader.ReadBytes(Path, bytes, bag);
            return (source, bag.ToSortedList());
        });

    private static Diagnostic Single(IReadOnlyList<Diagnostic> diagnostics, string code)
    {
        var d = Assert.Single(diagnostics);
        Assert.Equal(code, d.Code);
        return d;
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public async Task Read_TenThousandLevelsOfNesting_RefusesWithTooDeep(string open, string close)
    {
        var text = string.Concat(Enumerable.Repeat(open, 10_000)) + "x" + string.Concat(Enumerable.Repeat(close, 10_000));

        var (source, diagnostics) = await ReadAsync(text);

        Assert.Null(source);
        var d = Single(diagnostics, "FA0002");
        Assert.Equal(1, d.Span.Start.Line);
    }

    [Fact]
    public async Task Read_UnclosedDeepNesting_RefusesWithTooDeep()
    {
        var (source, diagnostics) = await ReadAsync("flow: x\nwhen: " + new string('[', 10_000));

        Assert.Null(source);
        Single(diagnostics, "FA0002");
    }

    [Fact]
    public async Task Read_DeepIndentedMappings_RefusesWithTooDeep()
    {
        var text = new StringBuilder();
        for (var level = 0; level < 1_000; level++)
        {
            text.Append(' ', level).Append("a:\n");
        }

        var (source, diagnostics) = await ReadAsync(text.ToString());

        Assert.Null(source);
        Assert.Equal(65, Single(diagnostics, "FA0002").Span.Start.Line);
    }

    [Theory]
    [InlineData("[*{0}, *{0}, *{0}, *{0}, *{0}, *{0}, *{0}, *{0}, *{0}, *{0}]")]
    [InlineData("{{a: *{0}, b: *{0}, c: *{0}, d: *{0}, e: *{0}, f: *{0}, g: *{0}, h: *{0}, i: *{0}, j: *{0}}}")]
    public async Task Read_BillionLaughs_RefusesWithAliasBomb(string level)
    {
        var text = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"l{i}: &l{i} ").Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, level, $"l{i - 1}")).Append('\n');
        }

        var (source, diagnostics) = await ReadAsync(text.ToString());

        Assert.Null(source);
        Single(diagnostics, "FA0003");
    }

    [Fact]
    public async Task Compile_ModestAnchorsAndAliases_ShareTheAnchoredNodes()
    {
        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, """
            flow: spam-words
            on: message.received
            when:
              message.text: { contains_any: &spam-words [crypto, giveaway, "free money"] }
            then:
              - reply: &warning { text: "Please keep it friendly." }
              - follow_up:
                  after: 1h
                  when:
                    message.text: { contains_any: *spam-words }
                  then:
                    - reply: *warning
                    - report_spam: true
            """)));

        Assert.Empty(result.Diagnostics);
        var flow = Assert.Single(result.Flows);
        Assert.Equal(((ReplyAction)flow.Then[0]).Text!.Source, ((ReplyAction)((FollowUpAction)flow.Then[1]).Then[0]).Text!.Source);
    }

    [Fact]
    public async Task Compile_AliasToAnchorOfEarlierFlow_SaysAnchorsStayInTheirFlow()
    {
        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, """
            flow: one
            on: message.received
            then: &actions [close]
            ---
            flow: two
            on: message.received
            then: *actions
            """)));

        Assert.Equal(
            "flows/hostile.yaml(7,7): error FA0001: YAML syntax error: '*actions' refers to an anchor '&actions' that is not defined before it in this flow; anchors do not carry over a '---'",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public async Task Compile_HugeReplyText_ReportsTextTooLong()
    {
        var text = "flow: essay\non: message.received\nthen:\n  - reply: \"" + new string('a', 3_000_000) + "\"\n";

        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, text)));

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("flows/hostile.yaml(4,12): error FA2004: the text is 3,000,000 characters; TikTok accepts at most 6,000", d.ToString());
    }

    [Fact]
    public async Task Compile_KeyLongerThanYamlAllows_SaysSo()
    {
        var text = "flow: big\non: message.received\n" + new string('k', 1_000_000) + ": 1\nthen: [close]\n";

        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, text)));

        Assert.Equal("flows/hostile.yaml(3,1): error FA0001: YAML syntax error: this key is longer than the 1024 characters YAML allows in a key", Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public async Task Compile_LongUnknownKey_IsShortenedInTheMessage()
    {
        var text = "flow: big\non: message.received\n" + new string('k', 1_000) + ": 1\nthen: [close]\n";

        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, text)));

        Assert.Equal("flows/hostile.yaml(3,1): error FA1001: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' in a flow", Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public async Task Read_TenMegabyteText_RefusesWithFileTooLarge()
    {
        var text = "flow: big\n# " + new string('x', 10 * 1024 * 1024) + "\n";

        var (source, diagnostics) = await ReadAsync(text);

        Assert.Null(source);
        Assert.Equal($"flows/hostile.yaml(1,1): error FA0004: the file is {text.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes; flow and scenario files are limited to 4,194,304 bytes", Single(diagnostics, "FA0004").ToString());
    }

    [Fact]
    public async Task CompilePaths_TenMegabyteFile_RefusesUnread()
    {
        var dir = Directory.CreateTempSubdirectory("flowautomation-");
        try
        {
            var file = System.IO.Path.Combine(dir.FullName, "big.yaml");
            await File.WriteAllBytesAsync(file, new byte[10 * 1024 * 1024]);

            var result = await Bounded.RunAsync(() => new FlowCompiler().CompilePaths([dir.FullName], dir.FullName));

            Assert.Equal("big.yaml(1,1): error FA0004: the file is 10,485,760 bytes; flow and scenario files are limited to 4,194,304 bytes", Assert.Single(result.Diagnostics).ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Read_KeyWhoseValueTheParserDrops_ReportsInsteadOfFailingToBuildTheTree()
    {
        // Found by fuzzing: YamlDotNet's parser emits the key of this line but not its value.
        var (source, diagnostics) = await ReadAsync("    : 09:00true{{/if}}-1&a a # note");

        Assert.Null(source);
        Assert.Equal("flows/hostile.yaml(1,6): error FA0001: YAML syntax error: this line cannot be read as YAML; check its quotes, brackets and colons", Single(diagnostics, "FA0001").ToString());
    }

    [Fact]
    public async Task Read_NulCharacter_ReportsItsPosition()
    {
        var (source, diagnostics) = await ReadAsync("flow: a\non: message.\0received\n");

        Assert.Null(source);
        Assert.Equal("flows/hostile.yaml(2,13): error FA0001: YAML syntax error: the text holds the control character U+0000, which a YAML file cannot contain; remove it", Single(diagnostics, "FA0001").ToString());
    }

    [Fact]
    public async Task ReadBytes_InvalidUtf8_ReportsTheFirstBadByte()
    {
        byte[] bytes = [.. "flow: a\nname: Caf"u8, 0xE9, .. " \xff\n"u8];

        var (source, diagnostics) = await ReadBytesAsync(bytes);

        Assert.Null(source);
        Assert.Equal("flows/hostile.yaml(2,10): error FA0009: the file is not UTF-8 text: the byte 0xE9 here cannot be read; save the file with the UTF-8 encoding", Single(diagnostics, "FA0009").ToString());
    }

    [Theory]
    [InlineData("utf-8 with bom")]
    [InlineData("utf-16 le with bom")]
    [InlineData("utf-16 be with bom")]
    public async Task ReadBytes_ByteOrderMarks_ReadTheFlowFromItsFirstKey(string encoding)
    {
        var text = "flow: welcome\non: message.received\nthen:\n  - reply: \"Hi 👋\"\n";
        byte[] bytes = encoding switch
        {
            "utf-8 with bom" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
            "utf-16 le with bom" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
            _ => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
        };

        var (source, diagnostics) = await ReadBytesAsync(bytes);

        Assert.Empty(diagnostics);
        Assert.NotNull(source);
        Assert.Equal("flow", ((YamlDotNet.RepresentationModel.YamlScalarNode)((YamlDotNet.RepresentationModel.YamlMappingNode)source.Documents[0].RootNode).Children.Keys.First()).Value);
    }

    [Fact]
    public async Task CompileTexts_TextStartingWithByteOrderMark_BindsTheFirstKey()
    {
        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, "\uFEFFflow: welcome\non: message.received\nthen: [close]\n")));

        Assert.Empty(result.Diagnostics);
        Assert.Equal("welcome", Assert.Single(result.Flows).Id);
    }

    [Fact]
    public async Task CompileTexts_MixedLineEndings_CountLinesAsEditorsDo()
    {
        var text = "flow: mixed\r\non: message.received\rwhen:\n  message.txt: hi\r\nthen:\r  - reply: \"Hi {{contact.nmae}}\"\n";

        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, text)));

        Assert.Equal(
            [
                "flows/hostile.yaml(4,3): error FA1201: unknown path 'message.txt'; did you mean 'message.text'?",
                "flows/hostile.yaml(6,18): error FA1402: unknown variable 'contact.nmae' in template; did you mean 'contact.name'?",
            ],
            result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public async Task CompileTexts_TenThousandEmptyDocuments_WarnsThatTheFileHoldsNoFlow()
    {
        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, string.Concat(Enumerable.Repeat("---\n", 10_000)))));

        Assert.Equal("FA0010", Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public async Task CompileTexts_ThousandFlowsInOneFile_BindEveryFlow()
    {
        var text = string.Join("---\n", Enumerable.Range(0, 1_000).Select(i => $"flow: flow-{i}\non: message.received\nwhen:\n  message.text: {{ contains: word{i} }}\nthen:\n  - tag: t{i}\n  - reply: \"Reply {i}, {{{{ contact.name ?? 'there' }}}}\"\n"));

        var result = await Bounded.RunAsync(() => new FlowCompiler().CompileTexts((Path, text)));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(1_000, result.Flows.Length);
    }
}
