// The studio's views. Part two of the studio adds its own here (a scenario's timeline, live counts per node).
export type Route = { view: "flow" } | { view: "all" };
