// The one place the page talks to the server (src/FlowAutomation.Server/Studio/StudioEndpoints.cs). The credential
// (the studio's session token, or the service's admin key) goes in a request header, never in a cookie.
import type {
  CompileResult, ConversationSummary, LiveCounts, LivePath, SaveResult, ScenarioFile, ScenarioRoot, ScenarioRun, StudioFile, StudioInfo,
} from "./types";

const storageKey = "flowautomation.studio.credential";

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export class StudioApi {
  private constructor(readonly info: StudioInfo, private readonly credential: string) {}

  /** Info about the studio (no credential needed): how to sign in. */
  static async info(): Promise<StudioInfo> {
    return json<StudioInfo>(await fetch("api/info"));
  }

  /**
   * Signs in: with flowctl studio, the one-time launch token in the address's fragment is exchanged for a session
   * token (and removed from the address bar); with flowctl serve, the admin key given. Kept in this tab only.
   */
  static async connect(info: StudioInfo, adminKey?: string): Promise<StudioApi | null> {
    if (info.mode === "token") {
      const launch = new URLSearchParams(location.hash.slice(1)).get("token");
      if (launch) {
        history.replaceState(null, "", location.pathname + location.search);
        const response = await fetch("api/session", { method: "POST", headers: { [info.header]: launch } });
        if (response.ok) sessionStorage.setItem(storageKey, (await response.json()).token);
        else if (!sessionStorage.getItem(storageKey)) throw new ApiError((await response.json()).error, response.status);
      }
    } else if (adminKey) {
      sessionStorage.setItem(storageKey, adminKey);
    }
    const credential = sessionStorage.getItem(storageKey);
    if (!credential) return null;
    const api = new StudioApi(info, credential);
    try {
      await api.files();
      return api;
    } catch (e) {
      sessionStorage.removeItem(storageKey);
      if (info.mode === "token") throw e;
      return null;
    }
  }

  files(): Promise<{ folder: string; files: { path: string }[] }> {
    return this.call("GET", "api/files");
  }

  file(path: string): Promise<StudioFile> {
    return this.call("GET", `api/file?path=${encodeURIComponent(path)}`);
  }

  compile(path: string, text: string, signal?: AbortSignal): Promise<CompileResult> {
    return this.call("POST", "api/compile", { path, text }, signal);
  }

  /** Saves when the file on disk is still at baseVersion; otherwise answers with what is on disk (nothing written). */
  async save(path: string, text: string, baseVersion: string | null): Promise<SaveResult> {
    const response = await this.send("PUT", "api/file", { path, text, baseVersion });
    if (response.status === 409) return (await response.json()) as SaveResult;
    return json<SaveResult>(response);
  }

  async schema(): Promise<object> {
    return this.call("GET", "api/schema");
  }

  scenarioSchema(): Promise<object> {
    return this.call("GET", "api/schema/scenario");
  }

  /** The scenario files of each scenario folder (the folder being edited, samples/). */
  scenarios(): Promise<{ roots: ScenarioRoot[] }> {
    return this.call("GET", "api/scenarios");
  }

  scenario(root: string, path: string): Promise<ScenarioFile> {
    return this.call("GET", `api/scenario?root=${encodeURIComponent(root)}&path=${encodeURIComponent(path)}`);
  }

  async saveScenario(root: string, path: string, text: string, baseVersion: string | null): Promise<SaveResult> {
    const response = await this.send("PUT", "api/scenario", { root, path, text, baseVersion });
    if (response.status === 409) return (await response.json()) as SaveResult;
    return json<SaveResult>(response);
  }

  /** Runs a scenario's text on the dry-run engine against the folder's flows, with the page's texts of `flows` in place of the saved ones. */
  runScenario(name: string, text: string, flows: { path: string; text: string }[], signal?: AbortSignal): Promise<ScenarioRun> {
    return this.call("POST", "api/scenarios/run", { name, text, flows }, signal);
  }

  /** Counts per flow and node over a period (`last`: 1h, 24h, 7d, 30d or all); the service only. */
  liveCounts(last: string): Promise<LiveCounts> {
    return this.call("GET", `api/live/counts?last=${encodeURIComponent(last)}`);
  }

  conversations(search: string): Promise<{ conversations: ConversationSummary[] }> {
    return this.call("GET", `api/live/conversations?q=${encodeURIComponent(search)}`);
  }

  conversation(id: string): Promise<LivePath> {
    return this.call("GET", `api/live/conversation?id=${encodeURIComponent(id)}`);
  }

  /** A recorded conversation as a scenario ("Debug in the editor"). */
  recordedScenario(id: string): Promise<{ name: string; text: string }> {
    return this.call("GET", `api/live/scenario?id=${encodeURIComponent(id)}`);
  }

  private async call<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return json<T>(await this.send(method, url, body, signal));
  }

  private send(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { [this.info.header]: this.credential };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  }
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(message, response.status);
  }
  return (await response.json()) as T;
}
