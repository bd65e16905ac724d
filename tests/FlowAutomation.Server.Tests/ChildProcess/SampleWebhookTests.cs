using System.Collections.Concurrent;
using System.Text.Json;
using FlowAutomation.Server.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace FlowAutomation.Server.Tests.ChildProcess;

/// <summary>
/// The first run as the README tells it: <c>flowctl serve --Webhooks:Infobip:Secret=dev-secret</c> with the shipped
/// flows and no provider, then <c>samples/webhooks/send.sh</c>: the service's output shows the reply it would have
/// sent, and a second run of the script is a new message, not a duplicate.
/// </summary>
public sealed class SampleWebhookTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("first-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SendScript_RunTwice_PostsTwoFreshSignedMessageIds()
    {
        var received = new ConcurrentQueue<(string Body, string Signature)>();
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue((await reader.ReadToEndAsync(), context.Request.Headers["X-Infobip-Signature"].ToString()));
            await context.Response.WriteAsync("""{"accepted":1}""");
        });
        var url = server.BaseUrl + "/webhooks/infobip/tiktok";

        var first = await SampleScript.SendAsync("dev-secret", url, Guard);
        var second = await SampleScript.SendAsync("dev-secret", url, Guard);

        var posts = received.ToList();
        Assert.Equal(2, posts.Count);
        var ids = posts.Select(p => JsonDocument.Parse(p.Body).RootElement.GetProperty("results")[0].GetProperty("messageId").GetString()!).ToList();
        Assert.NotEqual(ids[0], ids[1]);
        Assert.All(ids, id => Assert.Matches("^sample-msg-[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$", id));
        Assert.All(posts, p => Assert.Equal(Signatures.HmacHex("dev-secret", p.Body), p.Signature));
        Assert.Contains($"posting messageId {ids[0]} to {url}", first, StringComparison.Ordinal);
        Assert.Contains($"posting messageId {ids[1]} to {url}", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstRun_ServeThenSendScript_TheOutputShowsTheReplyThatWouldHaveBeenSent()
    {
        CopyFlows();
        await using var service = await ServiceProcess.StartAsync(_folder, ["--Webhooks:Infobip:Secret=dev-secret"], Guard, quiet: false);
        var webhook = service.BaseUrl + "/webhooks/infobip/tiktok";

        var before = SingaporeBusinessHours(TimeProvider.System.GetUtcNow());
        var answer = await SampleScript.SendAsync("dev-secret", webhook, Guard);
        // The sample asks "How much is the serum?": in Singapore business hours the price-inquiry flow (priority 100,
        // stop) answers with the price list alone; at other hours the after-hours flow (priority 50) says when the team
        // is back, then the welcome flow (priority 10) greets the new contact.
        var handled = await service.WaitForLineAsync(l => l.Contains("Handled message.received sample-msg-", StringComparison.Ordinal), "the first message handled", Guard);
        var messageId = handled.Split(' ').First(w => w.StartsWith("sample-msg-", StringComparison.Ordinal));
        var expected = handled.Contains("2 replies allowed", StringComparison.Ordinal) ? 2 : 1;
        await service.WaitForLineAsync(_ => Replies(service.Output, messageId).Count >= expected, "the first message's replies in the log", Guard);
        var replies = Replies(service.Output, messageId);
        var after = SingaporeBusinessHours(TimeProvider.System.GetUtcNow());
        await SampleScript.SendAsync("dev-secret", webhook, Guard);
        await service.WaitForLineAsync(l => service.Output.Split('\n').Count(x => x.Contains("Handled message.received sample-msg-", StringComparison.Ordinal)) == 2, "the second message handled", Guard);

        Assert.Contains("\"accepted\":1", answer, StringComparison.Ordinal);
        Assert.Contains("No messaging provider is configured", service.Output, StringComparison.Ordinal);
        Assert.All(replies, r => Assert.Contains("(conversation sample-conv-1, message sample-conv-1/sample-msg-", r, StringComparison.Ordinal));
        string[] inHours = [PriceList];
        string[] outOfHours = [AfterHours, Welcome];
        var texts = replies.Select(r => r[(r.IndexOf("): \"", StringComparison.Ordinal) + 3)..]).ToArray();
        if (before && after)
            Assert.Equal(inHours, texts);
        else if (!before && !after)
            Assert.Equal(outOfHours, texts);
        else
            Assert.True(texts.SequenceEqual(inHours) || texts.SequenceEqual(outOfHours), string.Join('\n', texts));
    }

    private const string Welcome = "\"Hi there, welcome to Blossom Beauty! 🌸⏎Ask us about prices, orders or shipping, and we'll get right back to you.\"";
    private const string PriceList = "\"Hi there! Here is our price list. A sales advisor will follow up shortly.\"";
    private const string AfterHours = "\"Thanks for your message! Our team is offline now (Mon–Fri, 9:00–18:00 Singapore time) and will reply first thing tomorrow.\"";

    /// <summary>The "would send" lines of one message's replies, in the order the service logged them.</summary>
    private static List<string> Replies(string output, string messageId) =>
        [.. output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains("would send to user-1001", StringComparison.Ordinal)
            && l.Contains($"message sample-conv-1/{messageId}/", StringComparison.Ordinal))];

    /// <summary>The shipped price-inquiry flow's hours: Monday to Friday, 09:00 to 18:00 in Asia/Singapore.</summary>
    private static bool SingaporeBusinessHours(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Singapore"));
        return local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && local.Hour is >= 9 and < 18;
    }

    private void CopyFlows()
    {
        var flows = Path.Combine(_folder, "flows");
        Directory.CreateDirectory(flows);
        foreach (var file in Directory.GetFiles(Path.Combine(ServiceProcess.RepoRoot, "flows"), "*.yaml"))
            File.Copy(file, Path.Combine(flows, Path.GetFileName(file)));
    }
}
