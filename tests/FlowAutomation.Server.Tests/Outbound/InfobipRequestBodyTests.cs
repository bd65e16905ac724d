using System.Text;
using System.Text.Json.Nodes;
using FlowAutomation.Model;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Outbound;

/// <summary>
/// The request body the sender writes straight to UTF-8 is byte for byte the JSON tree it used to build and print with
/// <c>JsonObject.ToJsonString()</c> (the tree below is that former builder, kept here as the reference).
/// </summary>
public sealed class InfobipRequestBodyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 1, 0, 0, TimeSpan.Zero);

    public static TheoryData<SendableContent, string?, string?, string?> Cases => new()
    {
        { new TextContent("Here is our price list."), null, null, null },
        { new TextContent("Quotes \" back\\slash <tag> & 'x'\nline, é, 你好, emoji 😀") { ReplyToMessageId = "in-9" }, null, null, "conv-1" },
        { new ImageContent("https://cdn.example/price.png?a=1&b=<2>"), "https://hooks.example/reports", null, null },
        { new SharePostContent("id123456789"), null, "https://hooks.example/seen", "data \"x\"" },
        { new TextContent(""), "https://hooks.example/d", "https://hooks.example/s", "cb" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WriteBody_EveryContentAndOption_SameBytesAsTheJsonTree(SendableContent content, string? delivery, string? seen, string? callbackData)
    {
        var message = new OutboxMessage("conv-1/ib-msg-1/1", "conv-1", "biz-1", "user-ü-1", content, Now, Now.AddHours(2), callbackData);
        var settings = new InfobipOptions { DeliveryReportUrl = delivery, SeenReportUrl = seen };

        var written = InfobipTikTokSender.WriteBody(message, "biz-1", 7200, settings);

        Assert.Equal(Tree(message, "biz-1", 7200, settings), Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void WriteBody_TwoMessages_EachEntryIsItsOneMessageBodysEntry()
    {
        var first = new OutboxMessage("conv-1/ib-msg-1/1", "conv-1", "biz-1", "user-1", new TextContent("one"), Now, Now.AddHours(2), "cb");
        var second = new OutboxMessage("conv-2/ib-msg-1/1", "conv-2", null, "user-2", new ImageContent("https://cdn.example/a.png"), Now, Now.AddHours(1));
        var settings = new InfobipOptions { DeliveryReportUrl = "https://hooks.example/d" };

        var written = Encoding.UTF8.GetString(InfobipTikTokSender.WriteBody([(first, "biz-1", 7200), (second, "biz-2", 3600)], settings));

        static string Entry(string body) => body["{\"messages\":[".Length..^"]}".Length];
        Assert.Equal("{\"messages\":[" + Entry(Tree(first, "biz-1", 7200, settings)) + "," + Entry(Tree(second, "biz-2", 3600, settings)) + "]}", written);
    }

    private static string Tree(OutboxMessage message, string sender, long validitySeconds, InfobipOptions settings)
    {
        var item = new JsonObject
        {
            ["sender"] = sender,
            ["destinations"] = new JsonArray(new JsonObject { ["to"] = message.Destination, ["messageId"] = message.Id }),
            ["content"] = message.Content switch
            {
                TextContent text when text.ReplyToMessageId is { } replyTo => new JsonObject { ["type"] = "TEXT", ["text"] = text.Text, ["replyToMessageId"] = replyTo },
                TextContent text => new JsonObject { ["type"] = "TEXT", ["text"] = text.Text },
                ImageContent image => new JsonObject { ["type"] = "IMAGE", ["mediaUrl"] = image.Url },
                SharePostContent post => new JsonObject { ["type"] = "SHARE_POST", ["postId"] = post.PostId },
                _ => throw new ArgumentException("unknown content", nameof(message)),
            },
            ["options"] = new JsonObject { ["validityPeriod"] = new JsonObject { ["amount"] = validitySeconds, ["timeUnit"] = "SECONDS" } },
        };
        var webhooks = new JsonObject();
        if (!string.IsNullOrWhiteSpace(settings.DeliveryReportUrl))
            webhooks["delivery"] = new JsonObject { ["url"] = settings.DeliveryReportUrl };
        if (!string.IsNullOrWhiteSpace(settings.SeenReportUrl))
            webhooks["seen"] = new JsonObject { ["url"] = settings.SeenReportUrl };
        if (message.CallbackData is { } callbackData)
            webhooks["callbackData"] = callbackData;
        if (webhooks.Count > 0)
            item["webhooks"] = webhooks;
        return new JsonObject { ["messages"] = new JsonArray(item) }.ToJsonString();
    }
}
