using Microsoft.Playwright;

namespace FlowAutomation.Studio.Tests;

/// <summary>The studio in the service: what the flows did, counted on the canvas, and one conversation's path.</summary>
[Collection(StudioCollection.Name)]
public sealed class StudioLiveTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static string GuardFlows => Repo.Path("samples", "guard", "flows");

    [Fact]
    public async Task Counts_AfterSignedWebhooks_AreBadgesOnTheNodes()
    {
        await using var service = await ServicePage.OpenAsync(browser.Browser, GuardFlows);
        await service.SendMessageAsync("m-1", "user-1", "conv-1", "Show me the catalogue and the new arrivals");
        await service.SendMessageAsync("m-2", "user-2", "conv-2", "Is the catalogue online?");

        await service.Page.GetByTestId("live-period").SelectOptionAsync("24h");

        var page = service.Page;
        await Assertions.Expect(page.Locator("[data-node-id='0:trigger'] [data-testid=live-badges]")).ToHaveTextAsync("2 events2 fired");
        await Assertions.Expect(page.Locator("[data-node-id='0:then/0'] [data-testid=live-badges]")).ToHaveTextAsync("2 sent");
        await Assertions.Expect(page.Locator("[data-node-id='1:trigger'] [data-testid=live-badges]")).ToHaveTextAsync("2 events1 fired");
        await Assertions.Expect(page.Locator("[data-node-id='1:then/3'] [data-testid=live-badges]")).ToHaveTextAsync("1 sent");
        await Assertions.Expect(page.Locator("[data-node-id='1:then/4'] [data-testid=live-badges]")).ToHaveTextAsync("0 sent1 quota_exhausted");
        await page.GetByTestId("all-flows-tab").ClickAsync();
        await Assertions.Expect(page.Locator("[data-flow-id=new-arrivals] [data-testid=live-badges]")).ToHaveTextAsync("2 in1 fired4 sent1 quota_exhausted");
        Assert.Empty(service.Errors);
    }

    [Fact]
    public async Task ConversationPath_ShowsItsEventsFlowsAndDecisionsInOrder_AndDebugInTheEditorReplaysIt()
    {
        await using var service = await ServicePage.OpenAsync(browser.Browser, GuardFlows);
        await service.SendMessageAsync("m-1", "user-7", "conv-7", "Show me the catalogue and the new arrivals");
        var page = service.Page;

        await page.GetByTestId("conversations-tab").ClickAsync();
        await page.GetByTestId("conversation-search").FillAsync("user-7");
        await page.Locator("[data-testid=conversation][data-id=conv-7]").ClickAsync();

        var entries = page.Locator("[data-testid=timeline-entry]");
        await Assertions.Expect(entries).ToHaveCountAsync(14);
        var lanes = await entries.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.lane + '/' + e.dataset.kind)");
        string[] expected = ["customer/event", "flows/rule", .. Enumerable.Repeat("business/action", 6), "flows/rule", .. Enumerable.Repeat("business/action", 5)];
        Assert.Equal(expected, lanes);
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry][data-status=blocked]")).ToHaveAttributeAsync("data-reason", "quota_exhausted");
        await Assertions.Expect(page.GetByTestId("conversation-header")).ToContainTextAsync("window open until");

        // Selecting an entry of the path selects its node and YAML, as in a dry run.
        await page.Locator("[data-testid=timeline-entry][data-status=blocked]").ClickAsync();
        await Assertions.Expect(page.Locator(".cm-studio-selected")).ToHaveTextAsync("reply: \"New this week: lip oil\"");

        // Debug in the editor: the recorded events as a scenario, run on the flows as edited; it replays what happened.
        await page.GetByTestId("debug-in-editor").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry][data-status=sent]")).ToHaveCountAsync(10);
        await Assertions.Expect(page.GetByTestId("scenario-verdict")).ToHaveTextAsync("passes");
        await Assertions.Expect(page.GetByTestId("scenario-editor")).ToContainTextAsync("Show me the catalogue and the new arrivals");
        Assert.Empty(service.Errors);
    }
}
