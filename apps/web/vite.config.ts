// Builds the dashboard into dist/ (served by the webserver from @updraft/api). Everything is
// bundled: the UI must work offline, in compose and behind a firewall, so no CDN at run time.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1_000,
  },
  server: {
    // `pnpm --filter @updraft/web dev` talks to a running webserver (pnpm start) on port 8080.
    proxy: { "/api": "http://127.0.0.1:8080", "/login": "http://127.0.0.1:8080", "/logout": "http://127.0.0.1:8080" },
  },
});
