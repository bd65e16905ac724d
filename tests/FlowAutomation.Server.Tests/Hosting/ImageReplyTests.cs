using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// Before an image reply goes out, the service looks at the image (served here on 127.0.0.1): the small one is sent,
/// the large one, the GIF served as a PNG and the one whose server refuses connections are refused by the guard with
/// their reason codes, and the provider never sees them.
/// </summary>
public sealed class ImageReplyTests
{
    [Fact]
    public async Task ImageReplies_LookedAtFirst_OnlyTheGoodOneReachesTheProvider()
    {
        await using var images = await ImageServer.StartAsync();
        using var refusing = new RefusedPort();
        var refused = refusing.Url("/refused.png");
        var flow = $$"""
            flow: catalogue
            on: message.received
            then:
              - reply: "Here you are:"
              - reply: { image: "{{images.Url("/small.png")}}" }
              - reply: { image: "{{images.Url("/large.png")}}" }
              - reply: { image: "{{images.Url("/mistyped.png")}}" }
              - reply: { image: "{{refused}}" }
            """;
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = flow });

        using (await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText))
        {
            await live.WaitForProcessedAsync(1);
            await live.WaitForOutboxSettledAsync();
        }

        var sent = live.Provider.Messages.Select(m => m.GetProperty("content"))
            .Select(c => c.TryGetProperty("text", out var text) ? text.GetString() : c.GetProperty("mediaUrl").GetString());
        Assert.Equal(["Here you are:", images.Url("/small.png")], sent);
        var audit = await live.AdminAsync("/api/conversations/conv-1/audit");
        var blocked = audit.EnumerateArray().Where(e => e.GetProperty("status").GetString() == "blocked")
            .Select(e => (e.GetProperty("reason").GetString(), e.GetProperty("detail").GetString())).ToList();
        Assert.Equal(["image_too_large", "image_format_unsupported", "image_url_invalid"], blocked.Select(b => b.Item1));
        Assert.Contains("5 MB (5,242,880 bytes); the limit is 3 MB (3,145,728 bytes) (measured at the URL)", blocked[0].Item2, StringComparison.Ordinal);
        Assert.Contains("image format 'gif' is not allowed by the policy (read from the file's first bytes)", blocked[1].Item2, StringComparison.Ordinal);
        Assert.Contains($"the image at '{refused}' could not be fetched: cannot connect", blocked[2].Item2, StringComparison.Ordinal);
        Assert.Equal(2, (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("state").GetProperty("windowSends").GetInt32());
    }
}
