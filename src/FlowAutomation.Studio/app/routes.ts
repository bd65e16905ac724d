// The studio's views: one file's flows, all flows, a scenario's timeline, and (in the service) live conversations.
export type Route = { view: "flow" } | { view: "all" } | { view: "scenario" } | { view: "conversations" };

/** The views that show a timeline, with the flow it concerns beside it (a small canvas above the YAML). */
export const timelineViews: readonly Route["view"][] = ["scenario", "conversations"];
