// Small line icons for the canvas (inline SVG: no font or network needed).
const paths: Record<string, string> = {
  bolt: "M13 2 4 14h7l-1 8 9-12h-7l1-8z",
  filter: "M3 5h18l-7 8v6l-4 2v-8L3 5z",
  chat: "M4 5h16v11H9l-5 4V5z",
  image: "M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4",
  tag: "M3 12V4h8l10 10-8 8L3 12zM7.5 7.5h.01",
  untag: "M3 12V4h8l10 10-8 8L3 12zM9 13l6-6",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6",
  clock: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2",
  stop: "M8 3h8l5 5v8l-5 5H8l-5-5V8l5-5zM9 9l6 6M15 9l-6 6",
  check: "M4 12l5 5L20 6",
  flag: "M5 21V4h11l-2 4 2 4H5",
  pencil: "M4 20l4-1 11-11-3-3L5 16l-1 4z",
  up: "M12 19V5M6 11l6-6 6 6",
  down: "M12 5v14M6 13l6 6 6-6",
  trash: "M5 7h14M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  plus: "M12 5v14M5 12h14",
  warn: "M12 3 2 20h20L12 3zM12 10v4M12 17h.01",
  undo: "M9 14 4 9l5-5M4 9h11a5 5 0 0 1 0 10h-3",
  redo: "M15 14l5-5-5-5M20 9H9a5 5 0 0 0 0 10h3",
  save: "M5 3h11l3 3v15H5V3zM8 3v5h7V3M8 21v-7h8v7",
  grid: "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
  file: "M6 2h9l5 5v15H6V2zM15 2v5h5",
  play: "M7 4l13 8-13 8V4z",
  refresh: "M20 11A8 8 0 1 0 18 17M20 4v7h-7",
  block: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM5.6 5.6l12.8 12.8",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
  bug: "M8 9h8v7a4 4 0 0 1-8 0V9zM9 9V7a3 3 0 0 1 6 0v2M4 13h4M16 13h4M5 19l3-2M19 19l-3-2M5 7l3 2M19 7l-3 2",
  forward: "M4 6l8 6-8 6V6zM12 6l8 6-8 6V6z",
  timeline: "M4 6h16M4 12h10M4 18h13",
  chart: "M4 20V10M10 20V4M16 20v-7M22 20H2",
  send: "M3 11l18-8-8 18-2-8-8-2z",
  lead: "M5 3h14v18H5zM9 8h6M9 12h6M9 16h3",
  link: "M10 14a4 4 0 0 0 6 0l3-3a4 4 0 0 0-6-6l-1 1M14 10a4 4 0 0 0-6 0l-3 3a4 4 0 0 0 6 6l1-1",
};

export type IconName = keyof typeof paths;

export function Icon({ name, size = 16 }: { name: string; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={paths[name] ?? paths.file} />
    </svg>
  );
}
