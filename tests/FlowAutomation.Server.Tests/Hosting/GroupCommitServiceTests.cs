using System.Net;
using Dapper;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// The service with its engine commits and outbox transitions sharing transactions (group commit): many conversations
/// at once, each conversation's events still run, commit and reach the provider in the order they were taken.
/// </summary>
public sealed class GroupCommitServiceTests
{
    private const string EchoFlow = """
        flow: echo
        on: message.received
        then:
          - reply: { text: "you said: {{ message.text }}" }
        """;

    [Fact]
    public async Task ManyConversationsAtOnce_EachConversationsRepliesFollowItsMessagesInOrder()
    {
        const int conversations = 8, messages = 5;
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = EchoFlow });

        // Each conversation's messages are taken one after the other; the conversations are sent all at once.
        var statuses = await Task.WhenAll(Enumerable.Range(0, conversations).Select(async c =>
        {
            var codes = new List<HttpStatusCode>();
            for (var m = 1; m <= messages; m++)
            {
                using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage($"msg-{c}-{m}", $"conv-{c}", $"user-{c}", $"m{m}"));
                codes.Add(response.StatusCode);
            }
            return codes;
        }));
        await live.WaitForProcessedAsync(conversations * messages);
        await live.WaitForMessagesAsync(conversations * messages);

        Assert.All(statuses.SelectMany(s => s), status => Assert.Equal(HttpStatusCode.OK, status));
        var expected = Enumerable.Range(1, messages).Select(m => $"you said: m{m}").ToArray();
        await using var connection = await live.Database.OpenAsync();
        var outbox = (await connection.QueryAsync<(string Conversation, string Text)>("SELECT conversation_id, text FROM outbox ORDER BY rowid")).ToList();
        var sent = live.Provider.Messages
            .Select(m => (To: m.GetProperty("destinations")[0].GetProperty("to").GetString(), Text: m.GetProperty("content").GetProperty("text").GetString()))
            .ToList();
        for (var c = 0; c < conversations; c++)
        {
            Assert.Equal(expected, outbox.Where(r => r.Conversation == $"conv-{c}").Select(r => r.Text));
            Assert.Equal(expected, sent.Where(r => r.To == $"user-{c}").Select(r => r.Text));
        }
    }
}
