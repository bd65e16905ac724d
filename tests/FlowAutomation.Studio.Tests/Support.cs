using FlowAutomation.Model;
using FlowAutomation.Server.Studio;
using Microsoft.Playwright;

namespace FlowAutomation.Studio.Tests;

internal static class Repo
{
    /// <summary>The repository root (the folder of FlowAutomation.sln), found from the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FlowAutomation.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("FlowAutomation.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// Debian's chromium driven by Playwright (which cannot download its own browser here). CHROMIUM_PATH overrides
/// /usr/bin/chromium; .ci/run installs the package where it is missing.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"no browser at {ExecutablePath}: install Debian's chromium (apt-get install -y chromium), as .ci/run does, or set CHROMIUM_PATH");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// flowctl studio's application over a copy of the repository's flows/ (so edits never touch the checkout), one
/// browser page signed in through the printed launch address, and every console error and page error it logs.
/// </summary>
internal sealed class StudioPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private StudioPage(StudioApp app, string folder, IBrowserContext context, IPage page)
    {
        App = app;
        Folder = folder;
        _context = context;
        Page = page;
        WatchErrors(page, Errors);
    }

    /// <summary>Collects every console error and page error the page logs.</summary>
    public static void WatchErrors(IPage page, List<string> errors)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add($"console: {message.Text}");
        };
        page.PageError += (_, error) => errors.Add($"page error: {error}");
    }

    public StudioApp App { get; }

    public string Folder { get; }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    /// <summary>
    /// flowctl studio over a copy of <paramref name="flows"/> (the repository's flows/ by default; <paramref name="extra"/>
    /// adds files to the copy), with the repository's samples/ as the other scenario folder.
    /// </summary>
    public static async Task<StudioPage> OpenAsync(IBrowser browser, string? flows = null, IReadOnlyDictionary<string, string>? extra = null, int width = 1440, int height = 900)
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flowautomation-studio-browser", Guid.NewGuid().ToString("n"), "flows");
        Copy(flows ?? Repo.Path("flows"), folder);
        return await StartAsync(browser, folder, [Repo.Path("samples")], extra, width, height);
    }

    /// <summary>
    /// flowctl studio over a copy of one folder of samples/ (<c>samples/guard</c>: its scenarios and its flows/), the
    /// copy's samples/ being the other scenario folder, so that the scenarios name the very flows the studio edits.
    /// </summary>
    public static async Task<StudioPage> OpenSampleAsync(IBrowser browser, string sample, IReadOnlyDictionary<string, string>? extra = null, int width = 1440, int height = 900)
    {
        var samples = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flowautomation-studio-browser", Guid.NewGuid().ToString("n"), "samples");
        Copy(Repo.Path("samples", sample), System.IO.Path.Combine(samples, sample));
        return await StartAsync(browser, System.IO.Path.Combine(samples, sample, "flows"), [samples], extra, width, height);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from))
            Copy(dir, System.IO.Path.Combine(to, System.IO.Path.GetFileName(dir)));
    }

    private static async Task<StudioPage> StartAsync(IBrowser browser, string folder, IReadOnlyList<string> scenarioFolders, IReadOnlyDictionary<string, string>? extra, int width, int height)
    {
        foreach (var (name, text) in extra ?? new Dictionary<string, string>())
            await File.WriteAllTextAsync(System.IO.Path.Combine(folder, name), text);
        var app = StudioHost.Create(folder, "http://127.0.0.1:0", scenarioFolders: scenarioFolders);
        await app.App.StartAsync();
        var (context, page) = await NewPageAsync(browser, width, height);
        var studio = new StudioPage(app, folder, context, page);
        await page.GotoAsync(app.LaunchAddress());
        await Assertions.Expect(page.GetByTestId("file")).Not.ToHaveCountAsync(0);
        return studio;
    }

    public static async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(IBrowser browser, int width = 1440, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        // Generous waits: the machine may be shared with other builds; every wait still ends on a real signal.
        context.SetDefaultTimeout(90_000);
        Assertions.SetDefaultExpectTimeout(90_000);
        return (context, await context.NewPageAsync());
    }

    /// <summary>Opens the Scenarios view and picks a scenario file (<c>root/path</c>, as the list names it).</summary>
    public async Task PickScenarioAsync(string name)
    {
        await Page.GetByTestId("scenario-tab").ClickAsync();
        await Page.Locator($"[data-testid=scenario-file][data-path='{name}']").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("scenario-editor").Locator(".cm-line").First).Not.ToHaveTextAsync("");
    }

    /// <summary>Every timeline entry of a kind and status (and reason).</summary>
    public ILocator Entries(string status, string? reason = null) =>
        Page.Locator($"[data-testid=timeline-entry][data-status='{status}']{(reason is null ? "" : $"[data-reason='{reason}']")}");

    /// <summary>UPDATE_GOLDEN=1 writes a picture for the docs into docs/; otherwise it goes to the test's output folder.</summary>
    public static string PicturePath(string name) =>
        Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1" ? Repo.Path("docs", name) : System.IO.Path.Combine(AppContext.BaseDirectory, name);

    /// <summary>Opens a file from the list and waits until its text is in the editor and its flows are drawn.</summary>
    public async Task OpenFileAsync(string name, int flows)
    {
        await Page.Locator($"[data-testid=file][data-path='{name}']").ClickAsync();
        await ExpectOpenAsync(name, flows);
    }

    /// <summary>
    /// Waits until the file is the open one: its name over the editor, its text in the editor, its flows drawn and
    /// laid out (so that a click lands on the node it aims at).
    /// </summary>
    public async Task ExpectOpenAsync(string name, int flows)
    {
        var firstFlow = File.ReadLines(System.IO.Path.Combine(Folder, name)).First(l => l.StartsWith("flow:", StringComparison.Ordinal));
        await Assertions.Expect(Page.Locator(".editor-title")).ToContainTextAsync(name);
        await Assertions.Expect(EditorLine(firstFlow)).Not.ToHaveCountAsync(0);
        await Assertions.Expect(Page.Locator("[data-kind=trigger] .flow-meta").Filter(new LocatorFilterOptions { HasText = firstFlow["flow:".Length..].Trim() })).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator("[data-kind=trigger]")).ToHaveCountAsync(flows);
        await ExpectLaidOutAsync();
    }

    /// <summary>
    /// Clicks the header of the open file's node of this kind once it lies wholly in the canvas's visible part, as a
    /// user clicks it. (Playwright would otherwise scroll the canvas's clipped box to reach it, which React Flow
    /// scrolls back at the next frame: the click could then land on the pane and select nothing.)
    /// </summary>
    public async Task ClickNodeHeaderAsync(string kind)
    {
        var header = Page.Locator($"[data-kind={kind}] .node-header");
        await Assertions.Expect(header).ToBeInViewportAsync(new LocatorAssertionsToBeInViewportOptions { Ratio = 1 });
        await header.ClickAsync();
    }

    /// <summary>The open file's canvas; <c>data-layout</c> is "done" once its flows stand still (see FlowCanvas.tsx).</summary>
    public ILocator FlowCanvas => Page.GetByTestId("flow-canvas");

    /// <summary>
    /// Waits until the open file's canvas is laid out: the layout of its present structure placed from the nodes'
    /// measured sizes, the view fitted and still. Call it after an edit that changes the nodes, before clicking one.
    /// </summary>
    public async Task ExpectLaidOutAsync() => await Assertions.Expect(FlowCanvas).ToHaveAttributeAsync("data-layout", "done");

    /// <summary>
    /// Opens the all-flows view and waits until its cards are exactly these flows, one card each, in the folder's
    /// order (a card reads "id · file"), and the view says it is laid out: the cards placed by elkjs, every card
    /// measured (so every edge drawn) and the view fitted. A failure lists the cards the view shows ("But was: [...]").
    /// </summary>
    public async Task ExpectAllFlowsAsync(IEnumerable<FlowDefinition> flows)
    {
        await Page.GetByTestId("all-flows-tab").ClickAsync();
        await Assertions.Expect(Page.Locator("[data-testid=flow-card] .card-meta")).ToHaveTextAsync(flows.Select(f => $"{f.Id} · {f.Span.Path}").ToArray());
        await Assertions.Expect(AllFlowsCanvas).ToHaveAttributeAsync("data-layout", "done");
    }

    /// <summary>The all-flows view's canvas; <c>data-layout</c> is "done" once it is laid out, measured and fitted.</summary>
    public ILocator AllFlowsCanvas => Page.GetByTestId("all-flows-canvas");

    public ILocator EditorLine(string containing) => Page.Locator(".cm-line").Filter(new LocatorFilterOptions { HasText = containing });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await App.DisposeAsync();
        var root = Folder;
        while (System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(root)) != "flowautomation-studio-browser")
            root = System.IO.Path.GetDirectoryName(root)!;
        Directory.Delete(root, recursive: true);
    }
}

/// <summary>The browser tests and the Vitest run take turns: on two cores, together they would starve each other.</summary>
[CollectionDefinition(Name)]
public sealed class StudioCollection
{
    public const string Name = "studio";
}
