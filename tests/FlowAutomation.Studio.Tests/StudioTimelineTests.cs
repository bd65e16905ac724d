using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FlowAutomation.Studio.Tests;

/// <summary>Scenarios on the page: a sample's timeline on the virtual clock, against the flows as they are being edited.</summary>
[Collection(StudioCollection.Name)]
public sealed class StudioTimelineTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task QuotaSample_Timeline_ShowsTenSentAndTheQuotaRefusalWithItsNumbers()
    {
        await using var studio = await StudioPage.OpenSampleAsync(browser.Browser, "guard");

        await studio.PickScenarioAsync("samples/guard/quota-exhausted.scenario.yaml");

        await Assertions.Expect(studio.Entries("sent")).ToHaveCountAsync(10);
        var refusal = studio.Entries("blocked", "quota_exhausted");
        await Assertions.Expect(refusal).ToHaveCountAsync(1);
        await Assertions.Expect(refusal).ToHaveAttributeAsync("data-flow", "new-arrivals");
        await Assertions.Expect(refusal.GetByTestId("refusal")).ToContainTextAsync("0 of 10 messages left");
        await Assertions.Expect(refusal.GetByTestId("refusal")).ToContainTextAsync("window closes 4 Mar 02:00");
        await Assertions.Expect(studio.Page.GetByTestId("tl-sent")).ToHaveTextAsync("10 sent");
        await Assertions.Expect(studio.Page.GetByTestId("tl-refused")).ToHaveTextAsync("1 refused · quota_exhausted");
        await Assertions.Expect(studio.Page.Locator("[data-testid=timeline-entry][data-lane=customer]")).ToHaveCountAsync(1);
        await Assertions.Expect(studio.Page.GetByTestId("gauge")).ToHaveAttributeAsync("data-left", "0");
        await Assertions.Expect(studio.Page.GetByTestId("verdict")).ToHaveCountAsync(4);
        await Assertions.Expect(studio.Page.Locator("[data-testid=verdict][data-passed=true]")).ToHaveCountAsync(4);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task SelectingTheRefusal_SelectsItsNodeAndItsYaml()
    {
        await using var studio = await StudioPage.OpenSampleAsync(browser.Browser, "guard");
        await studio.PickScenarioAsync("samples/guard/quota-exhausted.scenario.yaml");

        await studio.Entries("blocked", "quota_exhausted").ClickAsync();

        await Assertions.Expect(studio.Page.Locator(".cm-studio-selected")).ToHaveTextAsync("reply: \"New this week: lip oil\"");
        var node = studio.Page.Locator("[data-testid=mini-canvas] [data-node-id='1:then/4']");
        await Assertions.Expect(node).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-selected"));
        await Assertions.Expect(studio.Page.GetByTestId("gauge")).ToContainTextAsync("0 of 10");

        // The customer's message selects its line in the scenario.
        await studio.Page.Locator("[data-testid=timeline-entry][data-lane=customer]").ClickAsync();
        await Assertions.Expect(studio.Page.GetByTestId("scenario-editor").Locator(".cm-selectionBackground")).Not.ToHaveCountAsync(0);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task UnsavedEdit_ToAFlow_RunsTheScenarioAgainstTheEditedText()
    {
        await using var studio = await StudioPage.OpenSampleAsync(browser.Browser, "guard");
        var before = await File.ReadAllTextAsync(Path.Combine(studio.Folder, "guard-demo.yaml"));
        await studio.PickScenarioAsync("samples/guard/quota-exhausted.scenario.yaml");
        await Assertions.Expect(studio.Entries("blocked", "quota_exhausted")).ToHaveCountAsync(1);

        // The 11th message goes: the flow now sends 10 in all, and the expected refusal does not happen.
        await studio.EditorLine("- reply: \"New this week: lip oil\"").ClickAsync();
        await studio.Page.Keyboard.PressAsync("End");
        await studio.Page.Keyboard.PressAsync("Shift+Home");
        await studio.Page.Keyboard.PressAsync("Shift+Home");
        await studio.Page.Keyboard.PressAsync("Backspace");

        await Assertions.Expect(studio.Entries("blocked")).ToHaveCountAsync(0);
        await Assertions.Expect(studio.Entries("sent")).ToHaveCountAsync(10);
        var failed = studio.Page.Locator("[data-testid=verdict][data-passed=false]");
        await Assertions.Expect(failed).ToHaveCountAsync(1);
        await Assertions.Expect(failed).ToContainTextAsync("blocked with quota_exhausted");
        await Assertions.Expect(studio.Page.GetByTestId("scenario-verdict")).ToHaveTextAsync("fails");
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(studio.Folder, "guard-demo.yaml")));
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task ScenarioInTheEditedFolder_IsListedAndRuns_AndIsNotAFlowFile()
    {
        await using var studio = await StudioPage.OpenSampleAsync(browser.Browser, "guard", new Dictionary<string, string>
        {
            ["hello.scenario.yaml"] = "scenario: hello\nstart: 2026-03-02T02:00:00Z\nevents:\n  - at: 0s\n    message.received: { text: \"catalogue please\" }\nexpect:\n  sent_count: 6\n",
        });

        await studio.PickScenarioAsync("flows/hello.scenario.yaml");

        await Assertions.Expect(studio.Entries("sent")).ToHaveCountAsync(6);
        await Assertions.Expect(studio.Page.Locator("[data-testid=verdict][data-passed=true]")).ToHaveCountAsync(1);
        // Not listed among the flow files: a scenario beside the flows is not a flow.
        await studio.Page.GetByTestId("flow-tab").ClickAsync();
        await Assertions.Expect(studio.Page.Locator("[data-testid=file][data-path='guard-demo.yaml']")).ToHaveCountAsync(1);
        await Assertions.Expect(studio.Page.Locator("[data-testid=file][data-path='hello.scenario.yaml']")).ToHaveCountAsync(0);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task TimelineOfAThousandEvents_Renders_AndTheTimeIsMeasured()
    {
        var scenario = new StringBuilder("scenario: a thousand questions\nstart: 2026-03-02T02:00:00Z\ncontact: { id: u-9, name: Ann Lee }\nevents:\n");
        for (var i = 0; i < 1000; i++)
            scenario.Append("  - at: ").Append(i * 10).Append("m\n    message.received: { text: \"question ").Append(i).Append("\" }\n");
        scenario.Append("expect:\n  sent_count: 1000\n");
        await using var studio = await StudioPage.OpenSampleAsync(browser.Browser, "guard", new Dictionary<string, string>
        {
            ["answer.yaml"] = "flow: answer\non: message.received\nwhen:\n  message.text: { contains: question }\nthen:\n  - reply: \"Thanks for asking; we will answer shortly.\"\n",
            ["thousand.scenario.yaml"] = scenario.ToString(),
        });

        await studio.PickScenarioAsync("flows/thousand.scenario.yaml");
        await Assertions.Expect(studio.Page.GetByTestId("timeline").Locator(".tl-body")).ToHaveAttributeAsync("data-entries", "3000");
        await studio.Page.WaitForFunctionAsync("() => performance.getEntriesByName('timeline-render').length > 0");
        var milliseconds = await studio.Page.EvaluateAsync<double>("() => performance.getEntriesByName('timeline-render').at(-1).duration");
        var withRun = await studio.Page.EvaluateAsync<double>("() => performance.getEntriesByName('timeline-run-and-render').at(-1)?.duration ?? -1");

        output.WriteLine($"timeline of 1,000 events (3,000 entries): {milliseconds:F0} ms from the run's answer to the first frame painted; {withRun:F0} ms from the run's request");
        // The figure goes to docs/performance.md; the bound here is generous, so that a busy machine does not fail it.
        Assert.InRange(milliseconds, 1, 15_000);
        await Assertions.Expect(studio.Page.Locator("[data-testid=verdict][data-passed=true]")).ToHaveCountAsync(1);
        // Only the rows in view are in the page, and the last one is there once scrolled to.
        Assert.InRange(await studio.Page.Locator("[data-testid=timeline-entry]").CountAsync(), 10, 400);
        await studio.Page.GetByTestId("timeline").Locator(".tl-body").EvaluateAsync("""
            async el => {
                // Rows are measured as they come into view: scroll to the end again once they have been.
                el.scrollTop = el.scrollHeight;
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                el.scrollTop = el.scrollHeight;
            }
            """);
        await Assertions.Expect(studio.Page.Locator("[data-testid=timeline-entry][data-lane=customer]").Last).ToContainTextAsync("question 999");
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task Screenshot_OfATimeline_ForTheReadme()
    {
        await using var studio = await StudioPage.OpenSampleAsync(browser.Browser, "guard", width: 1600, height: 960);
        await studio.PickScenarioAsync("samples/guard/quota-exhausted.scenario.yaml");
        await Assertions.Expect(studio.Entries("sent")).ToHaveCountAsync(10);

        await studio.Entries("blocked", "quota_exhausted").ClickAsync();
        await Assertions.Expect(studio.Page.Locator("[data-testid=mini-canvas] .is-selected")).ToHaveCountAsync(1);
        await Assertions.Expect(studio.Page.Locator("[data-testid=timeline-entry][data-lane=customer]")).ToBeInViewportAsync();

        var bytes = await studio.Page.ScreenshotAsync(new PageScreenshotOptions { Path = StudioPage.PicturePath("timeline.png") });
        Assert.True(bytes.Length > 20_000, "the screenshot shows the page");
        Assert.Empty(studio.Errors);
    }
}
