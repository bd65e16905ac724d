using FlowAutomation.Diagnostics;
using FlowAutomation.Templates;
using HandlebarsDotNet;

namespace FlowAutomation.Tests.Templates;

public sealed class TemplateCompilerTests
{
    [Theory]
    [InlineData(TemplateQuoting.Plain, 0, 4, 3, 15)]
    [InlineData(TemplateQuoting.Quoted, 0, 4, 3, 16)]
    [InlineData(TemplateQuoting.Block, 1, 2, 5, 11)]
    public void Describe_HandlebarsPositionIsZeroBased_MapsToTheFileLineAndColumn(TemplateQuoting quoting, int line, int column, int expectedLine, int expectedColumn)
    {
        // The value starts at (3,11): after `text: ` on line 3, or on the lines below for a block scalar at indent 9.
        var location = new TemplateLocation("flows/t.yaml", new Position(3, 11), quoting, BlockIndentColumn: 9);
        var ex = new HandlebarsParserException($"Something went wrong.\n\nOccured at: {line}:{column}");

        var (message, span) = TemplateCompiler.Describe(ex, "irrelevant", location);

        Assert.Equal("something went wrong", message);
        Assert.Equal(new Position(expectedLine, expectedColumn), span.Start);
    }

    [Fact]
    public void Describe_ExceptionOtherThanHandlebars_SaysTheTemplateCannotBeRead()
    {
        var location = new TemplateLocation("flows/t.yaml", new Position(3, 11), TemplateQuoting.Plain, 1);

        var (message, span) = TemplateCompiler.Describe(new ArgumentNullException("test"), "{{else}}{{else}}", location);

        Assert.Equal("the template cannot be read; check its {{ }} expressions", message);
        Assert.Equal(new Position(3, 11), span.Start);
    }
}
