// The studio API's shapes (src/FlowAutomation.Server/Studio): what the server sends and takes.

export interface StudioInfo { mode: "token" | "admin-key"; header: string; folder: string; live: boolean }

export interface StudioFile { path: string; text: string; version: string }

export interface Diagnostic {
  path: string; line: number; column: number; endLine: number; endColumn: number;
  severity: "error" | "warning"; code: string; message: string;
}

export interface FollowUpWords { line: number; column: number; delay: string; conditions: string[] }

/** The compiler's words for one flow (ConditionFormatter), found through a position inside the flow. */
export interface FlowWords { id: string; path: string; line: number; column: number; conditions: string[]; followUps: FollowUpWords[] }

export interface CompileResult { valid: boolean; errors: number; warnings: number; diagnostics: Diagnostic[]; flows: FlowWords[] }

export interface Reload { loaded: boolean; diagnostics: Diagnostic[] }

export type SaveResult =
  | { saved: true; version: string; reload?: Reload | null }
  | { saved: false; error: string; onDisk: StudioFile | null };

// Scenarios and timelines (src/FlowAutomation.Server/Studio/StudioScenarios.cs, StudioTimeline.cs).

export interface StudioSpan { path: string; line: number; column: number; endLine: number; endColumn: number }

/** The reply window and its count at one entry. */
export interface TimelineWindow { opensAt: string; closesAt: string; open: boolean; used: number; allowed: number | null; left: number | null }

export interface TimelineCondition { path: string; operator: string; expected: string; actual: string; result: boolean; depth: number }

export type Lane = "customer" | "flows" | "business";

/** One trace record of a dry run or of a live conversation. */
export interface TimelineEntry {
  index: number; seq: number | null; at: string; kind: "event" | "rule" | "action"; lane: Lane; type: string | null; depth: number;
  flow: string | null; node: string | null; action: string | null; status: string | null; reason: string | null;
  content: string | null; message: string | null; text: string; window: TimelineWindow | null;
  conditions: TimelineCondition[] | null; source: StudioSpan | null;
}

export interface TimelineVerdict { expectation: string; passed: boolean; failure: string | null; source: StudioSpan | null }

export interface TimelineSummary { events: number; fired: string[]; sent: number; blocked: number; followUpsPending: number }

export interface ScenarioRun {
  ran: boolean; name: string; start: string | null; passed: boolean; diagnostics: Diagnostic[]; flowErrors: number; note: string | null;
  entries: TimelineEntry[]; expectations: TimelineVerdict[]; summary: TimelineSummary | null; flows: { id: string; path: string }[];
}

export interface ScenarioRoot { name: string; files: string[] }

/** A scenario file picked from one of the studio's scenario folders. */
export interface ScenarioFile { root: string; path: string; text: string; version: string }

// What the flows did in the service (src/FlowAutomation.Server/Studio/StudioLive.cs).

export type Counts = Record<string, number>;

export interface LiveNodeCounts { node: string; action: string; statuses: Counts; refused: Counts }

export interface LiveFlowCounts {
  flow: string; trigger: string | null; reached: number | null; fired: number; sent: number; refused: number; refusedBy: Counts; nodes: LiveNodeCounts[];
}

export interface LiveCounts { from: string; to: string; events: Counts; flows: LiveFlowCounts[] }

export interface ConversationSummary { id: string; contactId: string | null; contactName: string | null; updatedAt: string }

export interface PendingFollowUp { id: string; flow: string; followUp: string; node: string | null; dueAt: string }

export interface LiveConversation {
  id: string; contactId: string | null; contactName: string | null; assignee: string | null; team: string | null; tags: string[];
  window: TimelineWindow | null; now: string;
}

export interface LivePath { conversation: LiveConversation; entries: TimelineEntry[]; pending: PendingFollowUp[]; truncated: boolean }
