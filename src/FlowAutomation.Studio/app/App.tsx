// The studio: sign in, then the flow files of the folder, one file's flows on the canvas beside its YAML, or all
// flows with their tag chains. The text in the editor is the one model; the canvas is derived from it.
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, StudioApi } from "./api/client";
import type { CompileResult, Diagnostic, LivePath, PendingFollowUp, ScenarioRoot, StudioFile, StudioInfo, StudioSpan, TimelineEntry, TimelineVerdict } from "./api/types";
import { AllFlowsCanvas } from "./canvas/AllFlowsCanvas";
import { FlowCanvas } from "./canvas/FlowCanvas";
import { Icon } from "./canvas/icons";
import { CanvasActionsContext } from "./canvas/nodes";
import type { PlacedDiagnostic } from "./editor/diagnosticLines";
import { YamlEditor, type YamlEditorHandle } from "./editor/YamlEditor";
import { useLiveCounts, useScenarioRun, useStateRef, type ScenarioDoc } from "./hooks";
import { cardKey, type FlowCard } from "./model/chains";
import { diagnosticRange, diagnosticsByNode, nodeAtOffset } from "./model/diagnostics";
import { applyEdit, EditError, type ActionKind, type Edit } from "./model/edits";
import { buildFlowGraph, nodeId, type FlowGraph, type GraphNode } from "./model/flowGraph";
import { cardBadges, nodeBadges } from "./model/liveBadges";
import { entryNode } from "./model/timeline";
import { documentIndexAt, offsetOf, parseYamlFile } from "./model/yamlFile";
import { ConflictDialog, FileList, Palette, Problems, SignIn, TopBar } from "./panes/Chrome";
import { ConversationHeader, ConversationList } from "./panes/Conversations";
import { ScenarioPanel } from "./panes/ScenarioPanel";
import { Timeline } from "./panes/Timeline";
import { timelineViews, type Route } from "./routes";

export function App() {
  const [info, setInfo] = useState<StudioInfo | null>(null);
  const [api, setApi] = useState<StudioApi | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    StudioApi.info()
      .then(async (i) => {
        setInfo(i);
        setApi(await StudioApi.connect(i));
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  if (api) return <Studio api={api} live={info?.live ?? false} />;
  if (!info) return <div className="signin"><p>{error ?? "Opening the studio…"}</p></div>;
  return <SignIn info={info} error={error} onKey={(key) => StudioApi.connect(info, key).then((a) => (a ? setApi(a) : setError("wrong key")), (e: Error) => setError(e.message))} />;
}

const compileDelay = 250;

const newScenario = `scenario: a new scenario
start: 2026-03-02T09:00:00Z
contact: { id: u-1, name: Ann Lee, country: SG }
events:
  - at: 0s
    message.received: { text: "Hi, how much is the bundle?" }
expect:
  sent_count: 1
`;

function Studio({ api, live }: { api: StudioApi; live: boolean }) {
  const editor = useRef<YamlEditorHandle>(null);
  const scenarioEditor = useRef<YamlEditorHandle>(null);
  const [schema, setSchema] = useState<object | null | undefined>(undefined);
  const [scenarioSchema, setScenarioSchema] = useState<object | null>(null);
  const [roots, setRoots] = useState<ScenarioRoot[]>([]);
  const [scenario, setScenario] = useState<ScenarioDoc | null>(null);
  const [scenarioDisk, setScenarioDisk] = useState<string | null>(null);
  const [scenarioLoads, setScenarioLoads] = useState(0);
  const [selectedEntry, setSelectedEntry] = useState<number | null>(null);
  const [period, setPeriod] = useState<string | null>(null);
  const [conversation, setConversation] = useState<LivePath | null>(null);
  const [debugging, setDebugging] = useState(false);
  const [folder, setFolder] = useState("");
  const [files, setFiles] = useState<string[]>([]);
  // The open file and its text, each file's text on disk, and the unsaved texts of the files not open. Handlers read
  // them through their refs (see useStateRef): a quick click must never file one file's text under another's name.
  const [disk, diskRef, setDisk] = useStateRef<Map<string, StudioFile>>(new Map());
  const [drafts, draftsRef, setDrafts] = useStateRef<Map<string, string>>(new Map());
  const [path, pathRef, setPath] = useStateRef<string | null>(null);
  const [text, setText] = useState("");
  const textRef = useRef("");
  const loadFrame = useRef(0);
  const [compiled, setCompiled] = useState<{ path: string; text: string; result: CompileResult } | null>(null);
  const [uncompiled, setUncompiled] = useState<{ path: string; text: string } | null>(null);
  const [route, setRoute] = useState<Route>({ view: "flow" });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [conflict, setConflict] = useState<StudioFile | null | undefined>(undefined);
  const pendingSelect = useRef<{ range?: [number, number]; nodeId?: string } | null>(null);

  // Start: the schema (for completion and hover), then every file of the folder (the all-flows view needs them).
  // The files are listed once their texts are here: a file clicked before would open empty.
  useEffect(() => {
    void (async () => {
      setScenarioSchema(await api.scenarioSchema().catch(() => null));
      setSchema(await api.schema().catch(() => null));
      void api.scenarios().then((r) => setRoots(r.roots), () => undefined);
      const list = await api.files();
      const all = await Promise.all(list.files.map((f) => api.file(f.path)));
      setFolder(list.folder);
      setDisk(() => new Map(all.map((f) => [f.path, f])));
      setFiles(list.files.map((f) => f.path));
      if (all[0]) openFile(all[0].path, all[0].text);
    })().catch((e: Error) => setStatus(e.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const openFile = useCallback((next: string, content: string, keepRoute = false) => {
    setPath(() => next);
    setSelectedId(null);
    if (!keepRoute) setRoute({ view: "flow" });
    textRef.current = content;
    setText(content);
    // The editor exists once the schema has loaded; it is created with the page's first file. Only the last file
    // opened is loaded: an earlier file's load, still waiting for its frame, would hand its text to this one.
    cancelAnimationFrame(loadFrame.current);
    loadFrame.current = requestAnimationFrame(() => editor.current?.load(content));
  }, [setPath]);

  // The file left keeps the text it has now, as its draft; the next file opens with its draft, else its disk text.
  const switchTo = (next: string, keepRoute = false) => {
    const leaving = pathRef.current;
    if (next === leaving) return keepRoute ? undefined : setRoute({ view: "flow" });
    if (leaving !== null) {
      const kept = textRef.current;
      setDrafts((d) => new Map(d).set(leaving, kept));
    }
    openFile(next, draftsRef.current.get(next) ?? diskRef.current.get(next)?.text ?? "", keepRoute);
  };

  const onChange = useCallback((t: string) => {
    textRef.current = t;
    setText(t);
  }, []);

  // The compiler's view of the folder with this text, a moment after typing stops.
  useEffect(() => {
    if (!path) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api.compile(path, text, abort.signal)
        .then((result) => setCompiled({ path, text, result }))
        .catch((e: Error) => {
          if (e.name === "AbortError") return;
          setStatus(e.message);
          setUncompiled({ path, text });
        });
    }, compileDelay);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [api, path, text]);

  const file = useMemo(() => parseYamlFile(text), [text]);
  const current = compiled && compiled.path === path && compiled.text === text ? compiled : null;
  // The compiler's answer for this text is still to come (it may give the nodes words and problems, so new sizes).
  const compiling = path !== null && !current && !(uncompiled?.path === path && uncompiled.text === text);
  const words = useMemo(() => compiled?.result.flows.filter((f) => f.path === path) ?? [], [compiled, path]);
  const graph: FlowGraph = useMemo(() => buildFlowGraph(file, current ? words : []), [file, current, words]);
  const fileDiagnostics = useMemo(() => compiled?.result.diagnostics.filter((d) => d.path === path) ?? [], [compiled, path]);
  // Diagnostics are placed against the text they were computed for; the editor maps them through later typing.
  const placed = useMemo(() => {
    if (!compiled || compiled.path !== path) return [];
    const at = parseYamlFile(compiled.text);
    return fileDiagnostics.map((d) => {
      const [from, to] = diagnosticRange(at, d);
      return { from, to, severity: d.severity, code: d.code, message: d.message };
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [compiled]);
  const [problems, setProblems] = useState<Map<string, Diagnostic[]>>(new Map());
  useEffect(() => {
    if (current) setProblems(diagnosticsByNode(file, graph, fileDiagnostics));
  }, [current, file, graph, fileDiagnostics]);

  // A selection asked for before the graph caught up with the text (after a canvas edit or opening a problem).
  useEffect(() => {
    const want = pendingSelect.current;
    if (!want) return;
    pendingSelect.current = null;
    const node = want.nodeId ? graph.nodes.find((n) => n.id === want.nodeId) : want.range ? nodeAtOffset(graph, want.range[0]) : undefined;
    if (node) setSelectedId(node.id);
    if (want.range) editor.current?.select(want.range[0], want.range[1]);
    else if (node) editor.current?.select(node.select[0], node.select[1]);
  }, [graph]);

  const selectNode = useCallback((id: string) => {
    setSelectedId(id);
    const node = graph.nodes.find((n) => n.id === id);
    if (node) editor.current?.select(node.select[0], node.select[1]);
  }, [graph]);

  const onCursor = useCallback((offset: number) => {
    const fresh = buildFlowGraph(parseYamlFile(textRef.current));
    setSelectedId(nodeAtOffset(fresh, offset)?.id ?? null);
  }, []);

  const edit = useCallback((e: Edit) => {
    try {
      const next = applyEdit(textRef.current, e);
      editor.current?.apply(next);
      setStatus(null);
      if (e.kind === "insertAction") pendingSelect.current = { nodeId: nodeId(e.doc, [...e.seq, e.index]) };
    } catch (err) {
      if (err instanceof EditError) setStatus(err.message);
      else throw err;
    }
  }, []);
  const actions = useMemo(() => ({ edit }), [edit]);

  const selected = graph.nodes.find((n) => n.id === selectedId);
  const paletteTarget = placeFor(graph, selected);
  const addAction = (kind: ActionKind) => {
    if (!paletteTarget) return setStatus("open a flow file first");
    edit({ kind: "insertAction", doc: paletteTarget.doc, seq: paletteTarget.seq, index: paletteTarget.index, action: kind });
  };

  // Saves the open file's text under the open file's name, both as they are now (a draft typed on since is kept).
  const save = useCallback(async (baseOverride?: string | null) => {
    const saving = pathRef.current;
    if (!saving) return;
    const body = textRef.current;
    const base = baseOverride !== undefined ? baseOverride : diskRef.current.get(saving)?.version ?? null;
    try {
      const result = await api.save(saving, body, base);
      if (!result.saved) {
        setConflict(result.onDisk);
        return;
      }
      setConflict(undefined);
      setDisk((d) => new Map(d).set(saving, { path: saving, text: body, version: result.version }));
      setDrafts((d) => {
        if (d.get(saving) !== body) return d;
        const n = new Map(d);
        n.delete(saving);
        return n;
      });
      const reload = result.reload;
      setStatus(!reload ? `Saved ${saving}`
        : reload.loaded ? `Saved ${saving}; the service runs the new flows`
        : `Saved ${saving}; the service keeps running the previous flows until the ${reload.diagnostics.filter((x) => x.severity === "error").length} error(s) are fixed`);
    } catch (e) {
      setStatus(e instanceof ApiError ? e.message : String(e));
    }
  }, [api, pathRef, diskRef, setDisk, setDrafts]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);

  const openProblem = (d: Diagnostic) => {
    const open = d.path === pathRef.current;
    const target = open ? textRef.current : draftsRef.current.get(d.path) ?? diskRef.current.get(d.path)?.text;
    if (target === undefined) return;
    if (!open) switchTo(d.path);
    else setRoute({ view: "flow" });
    pendingSelect.current = { range: diagnosticRange(parseYamlFile(target), d) };
    if (open) setSelectedId(null);
  };

  // The all-flows view: every file as it stands (the open one as typed).
  const textOf = useCallback((p: string) => (p === path ? text : drafts.get(p) ?? disk.get(p)?.text ?? ""), [path, text, drafts, disk]);
  const allDiagnostics = compiled?.result.diagnostics ?? [];
  const { cards, cardCounts, fileCounts } = useMemo(() => {
    const cardsOut: FlowCard[] = [];
    const cardCountsOut = new Map<string, { errors: number; warnings: number }>();
    const fileCountsOut = new Map<string, { errors: number; warnings: number }>();
    for (const p of files) {
      const parsed = parseYamlFile(textOf(p));
      for (const flow of buildFlowGraph(parsed).flows) cardsOut.push({ ...flow, file: p, key: cardKey(p, flow.doc) });
      for (const d of allDiagnostics.filter((x) => x.path === p)) {
        const bump = (m: Map<string, { errors: number; warnings: number }>, k: string) => {
          const c = m.get(k) ?? { errors: 0, warnings: 0 };
          m.set(k, d.severity === "error" ? { ...c, errors: c.errors + 1 } : { ...c, warnings: c.warnings + 1 });
        };
        bump(fileCountsOut, p);
        bump(cardCountsOut, cardKey(p, documentIndexAt(parsed, offsetOf(parsed, d.line, d.column))));
      }
    }
    return { cards: cardsOut, cardCounts: cardCountsOut, fileCounts: fileCountsOut };
  }, [files, textOf, allDiagnostics]);

  const dirty = new Set([...drafts.entries()].filter(([p, t]) => disk.get(p)?.text !== t).map(([p]) => p));
  if (path && disk.get(path)?.text !== text) dirty.add(path);
  const errors = allDiagnostics.filter((d) => d.severity === "error").length;
  const timelineView = timelineViews.includes(route.view);

  // Scenarios: run against the flows as the page has them (every file whose text differs from disk goes along).
  const overlays = useMemo(() => files.map((p) => ({ path: p, text: textOf(p) })).filter((o) => o.text !== disk.get(o.path)?.text), [files, textOf, disk]);
  const overlaysKey = overlays.map((o) => `${o.path}\u0000${o.text}`).join("\u0001");
  const { run, running, error: runError } = useScenarioRun(api, scenario, overlays, overlaysKey, route.view === "scenario");

  // A scenario set from outside the editor (picked, new, recorded) goes into the scenario editor once it is there.
  useEffect(() => {
    if (route.view !== "scenario" || !scenario) return;
    const frame = requestAnimationFrame(() => scenarioEditor.current?.load(scenario.text));
    return () => cancelAnimationFrame(frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scenarioLoads, route.view === "scenario"]);

  const setScenarioFromOutside = (doc: ScenarioDoc, onDisk: string | null) => {
    setScenario(doc);
    setScenarioDisk(onDisk);
    setSelectedEntry(null);
    setScenarioLoads((n) => n + 1);
  };
  const pickScenario = (root: string, file: string) =>
    api.scenario(root, file)
      .then((f) => setScenarioFromOutside({ name: `${root}/${file}`, text: f.text, root, path: file, version: f.version }, f.text))
      .catch((e: Error) => setStatus(e.message));
  const onScenarioText = useCallback((t: string) => setScenario((s) => (s ? (s.text === t ? s : { ...s, text: t }) : { name: "new.scenario.yaml", text: t })), []);
  const saveScenario = async (root: string, file: string, base: string | null) => {
    if (!scenario) return;
    const body = scenario.text;
    try {
      const result = await api.saveScenario(root, file, body, base);
      if (!result.saved) return setStatus(result.error);
      setScenario((s) => (s ? { ...s, name: `${root}/${file}`, root, path: file, version: result.version } : s));
      setScenarioDisk(body);
      setStatus(`Saved ${root}/${file}`);
      void api.scenarios().then((r) => setRoots(r.roots), () => undefined);
    } catch (e) {
      setStatus(e instanceof Error ? e.message : String(e));
    }
  };
  const scenarioDiagnostics: PlacedDiagnostic[] = useMemo(() => {
    const mine = run && scenario ? run.result.diagnostics.filter((d) => d.path === scenario.name) : [];
    if (!run || mine.length === 0) return [];
    const at = parseYamlFile(run.text);
    return mine.map((d) => {
      const [from, to] = diagnosticRange(at, d);
      return { from, to, severity: d.severity, code: d.code, message: d.message };
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run]);

  // Selecting an entry: its flow node and YAML (the file holding the flow is opened), and a scenario's own line.
  const selectSpan = (span: StudioSpan | null) => {
    if (!span || !scenario || route.view !== "scenario") return;
    const at = parseYamlFile(scenario.text);
    scenarioEditor.current?.select(offsetOf(at, span.line, span.column), offsetOf(at, span.endLine, span.endColumn));
  };
  const selectFlowNode = (target: { flow: string | null; node: string | null }) => {
    const found = entryNode(target, cards);
    if (!found) return;
    if (found.file !== pathRef.current) {
      switchTo(found.file, true);
      pendingSelect.current = { nodeId: found.nodeId };
    } else selectNode(found.nodeId);
  };
  const selectEntry = (e: TimelineEntry) => {
    setSelectedEntry(e.index);
    selectSpan(e.source);
    selectFlowNode(e);
  };
  const selectVerdict = (v: TimelineVerdict) => selectSpan(v.source);
  const selectPending = (p: PendingFollowUp) => selectFlowNode({ flow: p.flow, node: p.node });

  // The service: counts drawn on the canvas, and conversations.
  const { counts } = useLiveCounts(api, live ? period : null);
  const badges = useMemo(() => (counts ? nodeBadges(graph.nodes, counts) : undefined), [counts, graph]);
  const cardBadgeMap = useMemo(() => (counts ? new Map(cards.map((c) => [c.key, cardBadges(c, counts)])) : undefined), [counts, cards]);
  const openConversation = (id: string) =>
    api.conversation(id)
      .then((p) => {
        performance.mark("timeline-data");
        setConversation(p);
        setSelectedEntry(null);
      })
      .catch((e: Error) => setStatus(e.message));
  const debugConversation = async () => {
    if (!conversation) return;
    setDebugging(true);
    try {
      const recorded = await api.recordedScenario(conversation.conversation.id);
      setScenarioFromOutside({ name: `${recorded.name.replace(/[^A-Za-z0-9_.-]+/g, "-")}.scenario.yaml`, text: recorded.text }, null);
      setRoute({ view: "scenario" });
    } catch (e) {
      setStatus(e instanceof Error ? e.message : String(e));
    } finally {
      setDebugging(false);
    }
  };

  if (schema === undefined) return <div className="signin"><p>Opening the studio…</p></div>;

  const result = run?.result;
  const scenarioHeader = scenario && (
    <div className="tl-title">
      <div>
        <div className="tl-title-name" data-testid="timeline-title">{result?.name ?? scenario.name}</div>
        <div className="muted">
          {result?.ran ? <>the dry-run engine, on the flows as they are in the editor{overlays.length > 0 ? ` (${overlays.length} unsaved file${overlays.length > 1 ? "s" : ""})` : ""}</> : "not run yet"}
        </div>
      </div>
      {result?.ran && <span className={`verdict-pill ${result.passed ? "ok" : "problem-error"}`} data-testid="scenario-verdict">{result.passed ? "passes" : "fails"}</span>}
    </div>
  );
  const notRun = result && !result.ran
    ? result.flowErrors > 0 ? `The flows have ${result.flowErrors} error${result.flowErrors > 1 ? "s" : ""}: fix them (see Problems) and the scenario runs again.`
      : "The scenario has problems: they are shown under their lines in the scenario editor."
    : null;

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div className="studio">
        <TopBar folder={folder} route={route} onRoute={setRoute} dirty={path !== null && dirty.has(path)} canEdit={path !== null}
          errors={errors} warnings={allDiagnostics.length - errors} checking={compiled === null}
          onUndo={() => editor.current?.undo()} onRedo={() => editor.current?.redo()} onSave={() => void save()} status={status ?? runError}
          live={live} period={period} onPeriod={setPeriod} />
        <div className={`main view-${route.view}`}>
          {route.view === "scenario" ? (
            <ScenarioPanel ref={scenarioEditor} roots={roots} scenario={scenario} schema={scenarioSchema} running={running}
              dirty={scenario !== null && scenario.text !== scenarioDisk} diagnostics={scenarioDiagnostics}
              onPick={(r, f) => void pickScenario(r, f)} onNew={() => setScenarioFromOutside({ name: "new.scenario.yaml", text: newScenario }, null)}
              onChange={onScenarioText} onSave={() => scenario?.root && scenario.path && void saveScenario(scenario.root, scenario.path, scenario.version ?? null)}
              onSaveAs={(name) => roots[0] && void saveScenario(roots[0].name, `${name}.scenario.yaml`, null)} />
          ) : route.view === "conversations" ? (
            <ConversationList api={api} current={conversation?.conversation.id ?? null} onOpen={(id) => void openConversation(id)} />
          ) : (
            <FileList files={files} current={path} dirty={dirty} counts={fileCounts} onOpen={switchTo} />
          )}
          <section className="canvas-pane" aria-label={timelineView ? "Timeline" : "Canvas"}>
            {route.view === "flow" ? (
              <>
                <Palette onAdd={addAction} target={paletteTarget?.label ?? ""} />
                <ReactFlowProvider key={path ?? ""}>
                  <FlowCanvas graph={graph} problems={problems} selectedId={selectedId} onSelect={selectNode} badges={badges} compiling={compiling} />
                </ReactFlowProvider>
              </>
            ) : route.view === "all" ? (
              <ReactFlowProvider>
                <AllFlowsCanvas cards={cards} counts={cardCounts} badges={cardBadgeMap} onOpen={(card) => {
                  switchTo(card.file);
                  pendingSelect.current = { nodeId: nodeId(card.doc, "trigger") };
                }} />
              </ReactFlowProvider>
            ) : route.view === "scenario" ? (
              <Timeline entries={result?.entries ?? []} start={result?.start} expectations={result?.expectations} selected={selectedEntry}
                onSelect={selectEntry} onSelectVerdict={selectVerdict}
                header={<>{scenarioHeader}{result?.note && <div className="tl-note-banner" data-testid="scenario-note">{result.note}</div>}{notRun && <div className="tl-note-banner problem" data-testid="scenario-not-run">{notRun}</div>}</>}
                empty={scenario ? (running ? "Running…" : notRun ?? "No events.") : "Pick a scenario on the left, or write a new one, to see it unfold on the virtual clock."} />
            ) : (
              <Timeline entries={conversation?.entries ?? []} pending={conversation?.pending} now={conversation?.conversation.now} selected={selectedEntry}
                onSelect={selectEntry} onSelectPending={selectPending}
                header={conversation && <ConversationHeader conversation={conversation.conversation} onDebug={() => void debugConversation()} debugging={debugging} />}
                empty={conversation ? "Nothing recorded for this conversation." : "Look a conversation up on the left to see its path through the flows."} />
            )}
          </section>
          <section className="editor-pane" aria-label="YAML">
            {timelineView ? (
              <div className="mini-canvas" data-testid="mini-canvas">
                <div className="mini-title"><Icon name="bolt" size={12} /> {graph.nodes.find((n) => n.id === selectedId)?.flowId ?? "the flows"} · {path ?? ""}</div>
                <ReactFlowProvider key={`mini-${path ?? ""}`}>
                  <FlowCanvas graph={graph} problems={problems} selectedId={selectedId} onSelect={selectNode} badges={badges} compiling={compiling} compact />
                </ReactFlowProvider>
              </div>
            ) : null}
            <div className="pane-title editor-title"><span className="mono">{path ?? ""}</span>{path && dirty.has(path) && <span className="dot dirty-dot" title="unsaved changes" />}</div>
            <YamlEditor ref={editor} schema={schema} diagnostics={placed} onChange={onChange} onCursor={onCursor} />
            <Problems diagnostics={allDiagnostics} onOpen={openProblem} />
          </section>
        </div>
        {conflict !== undefined && path && (
          <ConflictDialog path={path} mine={text} onDisk={conflict}
            onCancel={() => setConflict(undefined)}
            onKeepMine={() => void save(conflict?.version ?? null)}
            onTakeDisk={() => {
              if (!conflict) return;
              setDisk((d) => new Map(d).set(path, conflict));
              setConflict(undefined);
              editor.current?.load(conflict.text);
            }} />
        )}
      </div>
    </CanvasActionsContext.Provider>
  );
}

/** Where the palette adds an action: after the selected action, at the end of a selected follow-up, or at the end of the flow. */
function placeFor(graph: FlowGraph, selected: GraphNode | undefined): { doc: number; seq: (string | number)[]; index: number; label: string } | null {
  const doc = selected?.doc ?? graph.flows[0]?.doc;
  if (doc === undefined) return null;
  const flow = graph.flows.find((f) => f.doc === doc)?.id ?? "";
  if (selected?.data.kind === "follow_up") {
    const seq = selected.data.seq;
    const count = graph.nodes.filter((n) => n.doc === doc && n.path.length === seq.length + 1 && n.path.slice(0, -1).join("/") === seq.join("/")).length;
    return { doc, seq: [...seq], index: count, label: "to this follow-up" };
  }
  if (selected && selected.kind !== "trigger" && selected.kind !== "conditions") {
    return { doc, seq: selected.path.slice(0, -1) as (string | number)[], index: (selected.path[selected.path.length - 1] as number) + 1, label: "after the selected action" };
  }
  const count = graph.nodes.filter((n) => n.doc === doc && n.path.length === 2 && n.path[0] === "then").length;
  return { doc, seq: ["then"], index: count, label: `at the end of ${flow}` };
}
