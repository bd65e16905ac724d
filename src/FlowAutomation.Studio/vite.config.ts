import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The bundle is served under /studio/ by flowctl (embedded in FlowAutomation.Studio.dll): relative asset paths.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` talks to a running `flowctl studio` (its API) on the default address.
    proxy: { "/studio/api": "http://127.0.0.1:5081" },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    // codemirror-json-schema ships ES modules without file extensions: let Vite resolve them.
    server: { deps: { inline: ["codemirror-json-schema"] } },
  },
});
