// The scenario side of the timeline view: the scenario files to pick from (the folder being edited, samples/), and
// the picked or written scenario in an editor with the scenario schema's completion, its problems under their lines.
import { forwardRef, useState } from "react";
import type { ScenarioRoot } from "../api/types";
import { Icon } from "../canvas/icons";
import { YamlEditor, type YamlEditorHandle } from "../editor/YamlEditor";
import type { PlacedDiagnostic } from "../editor/diagnosticLines";
import type { ScenarioDoc } from "../hooks";

interface Props {
  roots: readonly ScenarioRoot[];
  scenario: ScenarioDoc | null;
  schema: object | null;
  dirty: boolean;
  running: boolean;
  diagnostics: readonly PlacedDiagnostic[];
  onPick(root: string, path: string): void;
  onNew(): void;
  onChange(text: string): void;
  onSave(): void;
  onSaveAs(name: string): void;
}

export const ScenarioPanel = forwardRef<YamlEditorHandle, Props>(function ScenarioPanel(props, editor) {
  const { scenario } = props;
  const [saveAs, setSaveAs] = useState<string | null>(null);
  const target = props.roots[0]?.name ?? "";
  return (
    <aside className="scenario-panel" aria-label="Scenarios">
      <div className="pane-title row-title">
        <span>Scenarios</span>
        <button className="small-button" onClick={props.onNew} data-testid="new-scenario"><Icon name="plus" size={12} /> New</button>
      </div>
      <div className="scenario-list" data-testid="scenario-list">
        {props.roots.map((root) => (
          <div key={root.name} className="scenario-root">
            <div className="scenario-root-name"><Icon name="file" size={12} /> {root.name}/</div>
            {root.files.length === 0 && <div className="muted scenario-none">no *.scenario.yaml here</div>}
            <ul>
              {root.files.map((f) => (
                <li key={f}>
                  <button className={scenario?.root === root.name && scenario.path === f ? "active" : ""} onClick={() => props.onPick(root.name, f)}
                    data-testid="scenario-file" data-path={`${root.name}/${f}`} title={`${root.name}/${f}`}>
                    {f.replace(/\.scenario\.ya?ml$/i, "")}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      <div className="scenario-editor-head">
        <span className="mono scenario-name" title={scenario?.name}>{scenario?.name ?? "no scenario"}</span>
        {props.dirty && <span className="dot dirty-dot" title="unsaved changes" />}
        <span className="spacer" />
        {props.running && <span className="muted" data-testid="scenario-running">running…</span>}
        {scenario?.root && scenario.path
          ? <button className="small-button" onClick={props.onSave} disabled={!props.dirty} data-testid="save-scenario"><Icon name="save" size={12} /> Save</button>
          : scenario && <button className="small-button" onClick={() => setSaveAs("")} data-testid="save-scenario-as"><Icon name="save" size={12} /> Save as…</button>}
      </div>
      {saveAs !== null && (
        <form className="save-as" onSubmit={(e) => { e.preventDefault(); if (saveAs.trim()) props.onSaveAs(saveAs.trim()); setSaveAs(null); }}>
          <span className="muted">{target}/</span>
          <input autoFocus value={saveAs} onChange={(e) => setSaveAs(e.target.value)} placeholder="name" aria-label="Scenario file name" />
          <span className="muted">.scenario.yaml</span>
          <button className="small-button" type="submit">Save</button>
        </form>
      )}
      <div className="scenario-editor">
        <YamlEditor ref={editor} schema={props.schema} diagnostics={props.diagnostics} onChange={props.onChange} onCursor={() => undefined} testId="scenario-editor" />
      </div>
    </aside>
  );
});
