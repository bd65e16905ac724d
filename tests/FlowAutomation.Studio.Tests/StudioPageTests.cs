using FlowAutomation.Compilation;
using Microsoft.Playwright;

namespace FlowAutomation.Studio.Tests;

/// <summary>The studio in Debian's chromium: the page as a marketer uses it, against the real flows/.</summary>
[Collection(StudioCollection.Name)]
public sealed class StudioPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task EveryFlowInFlowsFolder_IsDrawn_InItsFileAndInAllFlows()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        var compiled = new FlowCompiler().CompilePaths([Repo.Path("flows")], Repo.Path("flows"));
        var files = compiled.Flows.GroupBy(f => f.Span.Path).ToList();
        Assert.Empty(compiled.Diagnostics);

        foreach (var file in files)
        {
            await studio.OpenFileAsync(file.Key, file.Count());
            foreach (var flow in file)
                await Assertions.Expect(studio.Page.Locator("[data-kind=trigger] .flow-meta").Filter(new LocatorFilterOptions { HasText = flow.Id })).ToHaveCountAsync(1);
            // Every action of every flow is a node: its follow-ups' nested actions too.
            await Assertions.Expect(studio.Page.Locator("[data-testid=flow-node]")).ToHaveCountAsync(file.Sum(f => 1 + (f.When is null ? 0 : 1) + Actions(f.Then)));
        }

        await studio.ExpectAllFlowsAsync(compiled.Flows);
        await Assertions.Expect(studio.Page.Locator(".react-flow__edge-text").Filter(new LocatorFilterOptions { HasText = "tag: vip" })).ToHaveCountAsync(1);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task AllFlows_RenderedAgainWithATypedName_KeepsEveryCardShownAndItsEdgeDrawn()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        var compiled = new FlowCompiler().CompilePaths([Repo.Path("flows")], Repo.Path("flows"));
        await studio.OpenFileAsync("vip-routing.yaml", 2);
        await studio.ExpectAllFlowsAsync(compiled.Flows);

        // React Flow hides a card it holds no measured size for, and draws none of its edges, until it measures it
        // again: every time a card is hidden from now on is counted.
        await studio.AllFlowsCanvas.EvaluateAsync("""
            canvas => {
              window.cardsHidden = 0;
              new MutationObserver((records) => {
                for (const r of records)
                  if (r.target instanceof HTMLElement && r.target.classList.contains('react-flow__node') && r.target.style.visibility === 'hidden') window.cardsHidden++;
              }).observe(canvas, { subtree: true, attributes: true, attributeFilter: ['style'] });
            }
            """);
        // A name typed in the editor renders the view again: the card shows it in the same render.
        await studio.EditorLine("name: VIP routing").ClickAsync();
        await studio.Page.Keyboard.PressAsync("End");
        await studio.Page.Keyboard.TypeAsync(" desk");
        await Assertions.Expect(studio.Page.Locator("[data-testid=flow-card][data-flow-id=vip-routing] .card-name")).ToHaveTextAsync("VIP routing desk");
        await Assertions.Expect(studio.AllFlowsCanvas).ToHaveAttributeAsync("data-layout", "done");

        Assert.Equal(0, await studio.Page.EvaluateAsync<int>("() => window.cardsHidden"));
        await Assertions.Expect(studio.Page.Locator(".react-flow__edge-text").Filter(new LocatorFilterOptions { HasText = "tag: vip" })).ToHaveCountAsync(1);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task FileList_ClicksFasterThanThePageRenders_KeepEveryFilesOwnFlows()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        var compiled = new FlowCompiler().CompilePaths([Repo.Path("flows")], Repo.Path("flows"));
        await studio.OpenFileAsync("order-status.yaml", 2);

        // Three clicks in one task, so that React renders none of them before the next one's handler runs, as when a
        // click lands while an answer from the server waits to be rendered: the open file again (which queues an
        // update), then two other files. order-status.yaml must keep its own text, not take a file's opened after it.
        await studio.Page.EvaluateAsync("""
            () => ['order-status.yaml', 'price-inquiry.yaml', 'welcome.yaml']
                .forEach((p) => document.querySelector(`[data-testid=file][data-path='${p}']`).click())
            """);
        await studio.ExpectOpenAsync("welcome.yaml", 1);

        await studio.ExpectAllFlowsAsync(compiled.Flows);
        await studio.OpenFileAsync("order-status.yaml", 2);
        await studio.OpenFileAsync("price-inquiry.yaml", 1);
        await Assertions.Expect(studio.Page.Locator("[data-testid=file] .dirty-dot")).ToHaveCountAsync(0);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task TypingAMistake_ShowsItsFaCodeUnderThatLine_AndOnItsNode()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        await studio.OpenFileAsync("price-inquiry.yaml", 1);
        var original = await File.ReadAllTextAsync(Path.Combine(studio.Folder, "price-inquiry.yaml"));
        var expected = new FlowCompiler().CompileTexts(("price-inquiry.yaml", original.Replace("  - tag: price-asked\n", "  - tag: price-asked!!\n", StringComparison.Ordinal))).Diagnostics.First(d => d.IsError);

        await studio.EditorLine("- tag: price-asked").ClickAsync();
        await studio.Page.Keyboard.PressAsync("End");
        await studio.Page.Keyboard.TypeAsync("!!");

        var shown = studio.Page.Locator(".cm-fa-diagnostic").Filter(new LocatorFilterOptions { HasText = expected.Code });
        await Assertions.Expect(shown).ToHaveCountAsync(1);
        var lineAbove = await shown.EvaluateAsync<string>("""
            el => { let n = el.closest('.cm-fa-diagnostics'); while (n && !n.classList.contains('cm-line')) n = n.previousElementSibling; return n ? n.textContent : ''; }
            """);
        Assert.Equal("  - tag: price-asked!!", lineAbove);
        await Assertions.Expect(studio.Page.Locator("[data-kind=tag] [data-testid=node-diagnostic]")).ToContainTextAsync(expected.Code);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task ClickingANode_SelectsItsYaml_AndTheCursorSelectsItsNode()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        await studio.OpenFileAsync("price-inquiry.yaml", 1);

        await studio.ClickNodeHeaderAsync("assign");
        await Assertions.Expect(studio.Page.Locator(".cm-studio-selected")).ToHaveTextAsync("assign: { team: sales, strategy: round_robin }");

        await studio.EditorLine("after: 24h").ClickAsync();
        await Assertions.Expect(studio.Page.Locator("[data-kind=follow_up]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-selected"));
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task ChangingAReplysTextOnItsNode_ChangesExactlyThatScalarInTheSavedFile_WhichValidates()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        await studio.OpenFileAsync("price-inquiry.yaml", 1);
        var path = Path.Combine(studio.Folder, "price-inquiry.yaml");
        var before = await File.ReadAllLinesAsync(path);

        var bubble = studio.Page.GetByTestId("reply-text").First;
        await bubble.FillAsync("Hi there! Our price list is below; a sales advisor will call you today.");
        await bubble.PressAsync("Enter");
        await Assertions.Expect(studio.EditorLine("a sales advisor will call you today")).ToHaveCountAsync(1);
        await studio.Page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(studio.Page.GetByTestId("status")).ToContainTextAsync("Saved price-inquiry.yaml");

        var after = await File.ReadAllLinesAsync(path);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        var line = Assert.Single(changed);
        Assert.Equal("  - reply: { text: \"Hi there! Our price list is below; a sales advisor will call you today.\" }", after[line]);
        Assert.Equal(before.Where(l => l.TrimStart().StartsWith('#')), after.Where(l => l.TrimStart().StartsWith('#')));
        Assert.Empty(new FlowCompiler().CompilePaths([studio.Folder]).Diagnostics);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task AddingAnActionFromThePalette_InsertsItAfterTheSelectedOne_AndUndoTakesItBack()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        await studio.OpenFileAsync("order-status.yaml", 2);
        var original = await File.ReadAllTextAsync(Path.Combine(studio.Folder, "order-status.yaml"));
        var nodes = await studio.Page.Locator("[data-testid=flow-node]").CountAsync();

        await studio.ClickNodeHeaderAsync("assign");
        await studio.Page.GetByTestId("palette-tag").ClickAsync();
        await Assertions.Expect(studio.Page.Locator("[data-testid=flow-node]")).ToHaveCountAsync(nodes + 1);
        var lines = await studio.Page.Locator(".cm-line").AllTextContentsAsync();
        var assign = lines.ToList().FindIndex(l => l.Contains("assign: { team: support", StringComparison.Ordinal));
        Assert.Equal("  - tag: new-tag", lines[assign + 1]);

        await studio.Page.GetByLabel("Undo").ClickAsync();
        await Assertions.Expect(studio.Page.Locator("[data-testid=flow-node]")).ToHaveCountAsync(nodes);
        await Assertions.Expect(studio.Page.GetByTestId("save")).ToHaveTextAsync("Saved");
        Assert.Equal(original, await File.ReadAllTextAsync(Path.Combine(studio.Folder, "order-status.yaml")));
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task FlowCanvas_EditedAndUndone_SaysPendingUntilLaidOut_AndOnceDoneNoNodeMovesUntilTheNextAction()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        await studio.OpenFileAsync("order-status.yaml", 2);
        var nodes = await studio.Page.Locator("[data-testid=flow-node]").CountAsync();

        // From here on, every frame: each switch to "pending" is counted, and while the canvas says "done" every node's
        // place and size on the screen is compared with the first frame it said so (a move of a node or of the view).
        await studio.FlowCanvas.EvaluateAsync("""
            canvas => {
              const watch = window.layoutWatch = { pending: 0, moves: [], frames: 0 };
              const boxes = () => [...canvas.querySelectorAll('.react-flow__node')].map((n) => {
                const r = n.getBoundingClientRect();
                return `${n.dataset.id} ${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}x${Math.round(r.height)}`;
              }).join(' | ');
              let was = canvas.getAttribute('data-layout'), still = boxes();
              const frame = () => {
                watch.frames++;
                const now = canvas.getAttribute('data-layout');
                if (now === 'pending' && was !== 'pending') watch.pending++;
                if (now === 'done') {
                  const at = boxes();
                  if (was === 'done' && at !== still) watch.moves.push(`${still}\n  -> ${at}`);
                  still = at;
                }
                was = now;
                requestAnimationFrame(frame);
              };
              requestAnimationFrame(frame);
            }
            """);

        await studio.ClickNodeHeaderAsync("assign");
        var selected = await SettledAsync(studio);
        await studio.Page.GetByTestId("palette-tag").ClickAsync();
        await Assertions.Expect(studio.Page.Locator("[data-testid=flow-node]")).ToHaveCountAsync(nodes + 1);
        var added = await SettledAsync(studio);
        await studio.Page.GetByLabel("Undo").ClickAsync();
        await Assertions.Expect(studio.Page.Locator("[data-testid=flow-node]")).ToHaveCountAsync(nodes);
        var undone = await SettledAsync(studio);

        Assert.True(added > selected, "the canvas said pending after the add");
        Assert.True(undone > added, "the canvas said pending after the undo");
        Assert.Empty(await studio.Page.EvaluateAsync<string[]>("() => window.layoutWatch.moves"));
        Assert.Empty(studio.Errors);
    }

    /// <summary>
    /// Waits until the canvas says "done", then for 30 more frames drawn (in which a node that still moved would be
    /// recorded by the test's watch), and checks that it said "pending" no more in them (a late change, such as the
    /// compiler's answer, would be laid out there, out of the watch's sight); returns how many times the canvas has
    /// said "pending" so far.
    /// </summary>
    private static async Task<int> SettledAsync(StudioPage studio)
    {
        await studio.ExpectLaidOutAsync();
        var seen = await studio.Page.EvaluateAsync<int[]>("() => [window.layoutWatch.frames, window.layoutWatch.pending]");
        var (frames, pending) = (seen[0], seen[1]);
        await studio.Page.WaitForFunctionAsync("n => window.layoutWatch.frames >= n", frames + 30);
        Assert.Equal(pending, await studio.Page.EvaluateAsync<int>("() => window.layoutWatch.pending"));
        return pending;
    }

    [Fact]
    public async Task Completion_InTheYaml_ComesFromTheFlowSchema()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        await studio.OpenFileAsync("welcome.yaml", 1);

        await studio.EditorLine("once_per: contact").ClickAsync();
        await studio.Page.Keyboard.PressAsync("End");
        for (var i = 0; i < "tact".Length; i++)
            await studio.Page.Keyboard.PressAsync("Backspace");
        await studio.Page.Keyboard.PressAsync("Control+Space");

        var options = studio.Page.Locator(".cm-tooltip-autocomplete li");
        await Assertions.Expect(options.Filter(new LocatorFilterOptions { HasText = "conversation" })).ToHaveCountAsync(1);
        await Assertions.Expect(options.Filter(new LocatorFilterOptions { HasText = "contact" })).ToHaveCountAsync(1);
        Assert.Empty(studio.Errors);
    }

    [Fact]
    public async Task Screenshot_OfTheStudio_ForTheReadme()
    {
        await using var studio = await StudioPage.OpenAsync(browser.Browser);
        await studio.OpenFileAsync("price-inquiry.yaml", 1);

        // The follow-up lies below the first view (its top, at a readable zoom): the cursor on its line brings it into
        // view, as a marketer would (see ClickNodeHeaderAsync for why the test does not let Playwright reach it).
        await studio.EditorLine("- follow_up:").ClickAsync();
        await studio.ExpectLaidOutAsync();
        await Assertions.Expect(studio.Page.Locator("[data-kind=follow_up] .node-header")).ToBeInViewportAsync(new LocatorAssertionsToBeInViewportOptions { Ratio = 1 });

        // The picture shows a problem as a marketer meets it: a follow-up set past the reply window, flagged on its node.
        var delay = studio.Page.GetByTestId("delay");
        await delay.FillAsync("50h");
        await delay.PressAsync("Enter");
        await Assertions.Expect(studio.Page.Locator("[data-kind=follow_up] [data-testid=node-diagnostic]")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(studio.Page.Locator(".cm-fa-diagnostic")).Not.ToHaveCountAsync(0);
        // The problem makes its node taller: the flows are laid out again before the click.
        await studio.ExpectLaidOutAsync();
        await studio.ClickNodeHeaderAsync("follow_up");
        await Assertions.Expect(studio.Page.Locator(".cm-studio-selected")).Not.ToHaveCountAsync(0);

        // UPDATE_GOLDEN=1 refreshes the README's picture; otherwise it goes to the test's output folder.
        var target = Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1" ? Repo.Path("docs", "studio.png") : Path.Combine(AppContext.BaseDirectory, "studio.png");
        var bytes = await studio.Page.ScreenshotAsync(new PageScreenshotOptions { Path = target });
        Assert.True(bytes.Length > 20_000, "the screenshot shows the page");
        Assert.Empty(studio.Errors);
    }

    private static int Actions(IEnumerable<Model.FlowAction> actions) =>
        actions.Sum(a => 1 + (a is Model.FollowUpAction f ? Actions(f.Then) : 0));
}
