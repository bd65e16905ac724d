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
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                Errors.Add($"console: {message.Text}");
        };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
    }

    public StudioApp App { get; }

    public string Folder { get; }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public static async Task<StudioPage> OpenAsync(IBrowser browser)
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flowautomation-studio-browser", Guid.NewGuid().ToString("n"), "flows");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(Repo.Path("flows")))
            File.Copy(file, System.IO.Path.Combine(folder, System.IO.Path.GetFileName(file)));
        var app = StudioHost.Create(folder, "http://127.0.0.1:0");
        await app.App.StartAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        // Generous waits: the machine may be shared with other builds; every wait still ends on a real signal.
        context.SetDefaultTimeout(90_000);
        Assertions.SetDefaultExpectTimeout(90_000);
        var page = await context.NewPageAsync();
        var studio = new StudioPage(app, folder, context, page);
        await page.GotoAsync(app.LaunchAddress());
        await Assertions.Expect(page.GetByTestId("file")).Not.ToHaveCountAsync(0);
        return studio;
    }

    /// <summary>Opens a file from the list and waits until its text is in the editor and its flows are drawn.</summary>
    public async Task OpenFileAsync(string name, int flows)
    {
        var firstFlow = File.ReadLines(System.IO.Path.Combine(Folder, name)).First(l => l.StartsWith("flow:", StringComparison.Ordinal));
        await Page.Locator($"[data-testid=file][data-path='{name}']").ClickAsync();
        await Assertions.Expect(Page.Locator(".editor-title")).ToContainTextAsync(name);
        await Assertions.Expect(EditorLine(firstFlow)).Not.ToHaveCountAsync(0);
        await Assertions.Expect(Page.Locator("[data-kind=trigger] .flow-meta").Filter(new LocatorFilterOptions { HasText = firstFlow["flow:".Length..].Trim() })).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator("[data-kind=trigger]")).ToHaveCountAsync(flows);
    }

    public ILocator EditorLine(string containing) => Page.Locator(".cm-line").Filter(new LocatorFilterOptions { HasText = containing });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await App.DisposeAsync();
        Directory.Delete(System.IO.Path.GetDirectoryName(Folder)!, recursive: true);
    }
}

/// <summary>The browser tests and the Vitest run take turns: on two cores, together they would starve each other.</summary>
[CollectionDefinition(Name)]
public sealed class StudioCollection
{
    public const string Name = "studio";
}
