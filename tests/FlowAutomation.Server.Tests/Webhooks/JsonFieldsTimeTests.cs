using System.Globalization;
using System.Text.Json;
using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>
/// <see cref="JsonFields.Time"/> (the offset's colon put in on the stack since the eighteenth pass) against the read
/// it replaced: the colon put in with <c>string.Concat</c> and the time read from the new string.
/// </summary>
public sealed class JsonFieldsTimeTests
{
    public static TheoryData<string> Texts =>
    [
        "2019-11-09T16:00:00.000+0000", "2019-11-09T16:00:00.000-0530", "2019-11-09T16:00:00.000+05:30", "2019-11-09T16:00:00+2400",
        "2019-11-09T16:00:00.000+12a4", "2019-11-09T16:00:00.000Z", "2019-11-09 16:00", "x+1234", "+1234", "a+12345", "2019-11-09T16:00:00.000+١٢٣٤",
        "  2019-11-09T16:00:00.000+0100", "2019-11-09T16:00:00.000 +0100", "16:00+0100", new string(' ', 200) + "2019-11-09T16:00:00.000+0100", "nonsense",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Time_AnyText_SameTimeAsBefore(string text)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(new { at = text }));

        Assert.Equal(Before(text), document.RootElement.Time("at"));
    }

    private static DateTimeOffset? Before(string text)
    {
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && text[^4..].All(char.IsAsciiDigit))
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}
