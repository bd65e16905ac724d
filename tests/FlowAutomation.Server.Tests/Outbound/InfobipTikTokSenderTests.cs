using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Outbound;

public sealed class InfobipTikTokSenderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private FakeInfobip _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeInfobip.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    private OutboxMessage Message(SendableContent content, TimeSpan? life = null, string? sender = "biz-1") =>
        new("out-1", "conv-1", sender, "user-1", content, _time.GetUtcNow(), _time.GetUtcNow() + (life ?? TimeSpan.FromHours(2)));

    private static JsonElement SentMessage(ProviderRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("messages")[0];

    [Fact]
    public async Task Send_Text_PostsInfobipShapeAndReturnsProviderId()
    {
        var sender = _provider.CreateSender(_time);

        var outcome = await sender.SendAsync(Message(new TextContent("Here is our price list.") { ReplyToMessageId = "in-9" }));

        Assert.Equal(SendOutcome.Sent("prov-1"), outcome);
        var request = Assert.Single(_provider.Requests);
        Assert.Equal(("POST", "/tiktok/1/messages", "App test-key"), (request.Method, request.Path, request.Authorization));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        var message = SentMessage(request);
        Assert.Equal("biz-1", message.GetProperty("sender").GetString());
        var destination = Assert.Single(message.GetProperty("destinations").EnumerateArray());
        Assert.Equal("user-1", destination.GetProperty("to").GetString());
        Assert.Equal("out-1", destination.GetProperty("messageId").GetString());
        var content = message.GetProperty("content");
        Assert.Equal("TEXT", content.GetProperty("type").GetString());
        Assert.Equal("Here is our price list.", content.GetProperty("text").GetString());
        Assert.Equal("in-9", content.GetProperty("replyToMessageId").GetString());
        var validity = message.GetProperty("options").GetProperty("validityPeriod");
        Assert.Equal(7200, validity.GetProperty("amount").GetInt64());
        Assert.Equal("SECONDS", validity.GetProperty("timeUnit").GetString());
        Assert.False(message.TryGetProperty("webhooks", out _));
    }

    [Fact]
    public async Task Send_Image_SendsMediaUrl()
    {
        await _provider.CreateSender(_time).SendAsync(Message(new ImageContent("https://cdn.example/price.png")));

        var content = SentMessage(Assert.Single(_provider.Requests)).GetProperty("content");
        Assert.Equal("IMAGE", content.GetProperty("type").GetString());
        Assert.Equal("https://cdn.example/price.png", content.GetProperty("mediaUrl").GetString());
        Assert.False(content.TryGetProperty("text", out _));
    }

    [Fact]
    public async Task Send_SharePost_SendsPostId()
    {
        await _provider.CreateSender(_time).SendAsync(Message(new SharePostContent("id123456789")));

        var content = SentMessage(Assert.Single(_provider.Requests)).GetProperty("content");
        Assert.Equal("SHARE_POST", content.GetProperty("type").GetString());
        Assert.Equal("id123456789", content.GetProperty("postId").GetString());
    }

    [Fact]
    public async Task Send_NoSenderOnMessage_UsesConfiguredSenderAndReportUrls()
    {
        var sender = _provider.CreateSender(_time, o =>
        {
            o.Sender = "biz-default";
            o.DeliveryReportUrl = "https://hooks.example/webhooks/infobip/reports";
            o.SeenReportUrl = "https://hooks.example/webhooks/infobip/reports";
        });

        await sender.SendAsync(Message(new TextContent("x"), sender: null) with { CallbackData = "conv-1" });

        var message = SentMessage(Assert.Single(_provider.Requests));
        Assert.Equal("biz-default", message.GetProperty("sender").GetString());
        var webhooks = message.GetProperty("webhooks");
        Assert.Equal("https://hooks.example/webhooks/infobip/reports", webhooks.GetProperty("delivery").GetProperty("url").GetString());
        Assert.Equal("https://hooks.example/webhooks/infobip/reports", webhooks.GetProperty("seen").GetProperty("url").GetString());
        Assert.Equal("conv-1", webhooks.GetProperty("callbackData").GetString());
    }

    [Fact]
    public async Task Send_ExpiryBeyond48Hours_ValidityClampedTo48Hours()
    {
        await _provider.CreateSender(_time).SendAsync(Message(new TextContent("x"), life: TimeSpan.FromDays(5)));

        var validity = SentMessage(Assert.Single(_provider.Requests)).GetProperty("options").GetProperty("validityPeriod");
        Assert.Equal(48 * 3600, validity.GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task Send_AlreadyExpired_ExpiredWithoutARequest()
    {
        var message = Message(new TextContent("x"), life: TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));

        var outcome = await _provider.CreateSender(_time).SendAsync(message);

        Assert.Equal(SendOutcomeKind.Expired, outcome.Kind);
        Assert.Empty(_provider.Requests);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task Send_TransientStatus_IsTransient(int status)
    {
        _provider.Respond(status, """{"errorCode":"E500","description":"Something went wrong"}""");

        var outcome = await _provider.CreateSender(_time).SendAsync(Message(new TextContent("x")));

        Assert.Equal(SendOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith($"HTTP {status}", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_429WithRetryAfter_CarriesTheDelay()
    {
        _provider.Respond(429, """{"errorCode":"E429","description":"Too many requests"}""", retryAfter: "30");

        var outcome = await _provider.CreateSender(_time).SendAsync(Message(new TextContent("x")));

        Assert.Equal(SendOutcome.Transient("HTTP 429 E429: Too many requests", TimeSpan.FromSeconds(30)), outcome);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task Send_OtherClientError_IsPermanent(int status)
    {
        _provider.Respond(status, """{"errorCode":"E400","description":"Request cannot be processed.","violations":[{"property":"messages[0].content.text","violation":"size must be between 1 and 6000"}]}""");

        var outcome = await _provider.CreateSender(_time).SendAsync(Message(new TextContent("x")));

        Assert.Equal(SendOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"HTTP {status} E400: Request cannot be processed.; messages[0].content.text size must be between 1 and 6000", outcome.Reason);
    }

    [Fact]
    public async Task Send_OlderErrorShape_ReasonReadsServiceException()
    {
        _provider.Respond(401, """{"requestError":{"serviceException":{"messageId":"UNAUTHORIZED","text":"Invalid login details"}}}""");

        var outcome = await _provider.CreateSender(_time).SendAsync(Message(new TextContent("x")));

        Assert.Equal(SendOutcome.Permanent("HTTP 401 UNAUTHORIZED: Invalid login details"), outcome);
    }

    [Fact]
    public async Task Send_2xxWithRejectedStatus_IsPermanent()
    {
        _provider.Respond(200, """{"messages":[{"messageId":"p-9","status":{"groupName":"REJECTED","name":"REJECTED_DESTINATION","description":"Invalid destination"}}]}""");

        var outcome = await _provider.CreateSender(_time).SendAsync(Message(new TextContent("x")));

        Assert.Equal(SendOutcome.Permanent("rejected: REJECTED_DESTINATION Invalid destination"), outcome);
    }

    [Fact]
    public async Task Send_2xxWithUnreadableBody_IsSentWithoutProviderId()
    {
        _provider.Respond(200, "not json");

        var outcome = await _provider.CreateSender(_time).SendAsync(Message(new TextContent("x")));

        Assert.Equal(SendOutcome.Sent(null), outcome);
    }

    [Fact]
    public async Task Send_ProviderHangsPastTimeout_IsTransient()
    {
        _provider.Hang();
        var sender = _provider.CreateSender(_time, o => o.Timeout = TimeSpan.FromSeconds(10));
        var arrived = _provider.RequestArrived;

        var sending = sender.SendAsync(Message(new TextContent("x")));
        await arrived;
        Assert.False(sending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(10));
        var outcome = await sending;

        Assert.Equal(SendOutcome.Transient("timeout after 10 s"), outcome);
    }

    [Fact]
    public async Task Send_NothingListening_IsTransientNetworkError()
    {
        var stopped = await FakeInfobip.StartAsync();
        var baseUrl = stopped.BaseUrl;
        await stopped.DisposeAsync();
        var sender = _provider.CreateSender(_time, o => o.BaseUrl = baseUrl);

        var outcome = await sender.SendAsync(Message(new TextContent("x")));

        Assert.Equal(SendOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("network error", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_CallerCancels_Throws()
    {
        _provider.Hang();
        using var cancel = new CancellationTokenSource();
        var arrived = _provider.RequestArrived;

        var sending = _provider.CreateSender(_time).SendAsync(Message(new TextContent("x")), cancel.Token);
        await arrived;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }
}
