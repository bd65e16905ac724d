// The studio API's shapes (src/FlowAutomation.Server/Studio): what the server sends and takes.

export interface StudioInfo { mode: "token" | "admin-key"; header: string; folder: string }

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
