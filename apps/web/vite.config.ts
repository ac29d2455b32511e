// Builds the dashboard into dist/ (served by the webserver from @updraft/api). Everything is
// bundled: the UI must work offline, in compose and behind a firewall, so no CDN at run time.
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { CLIENT_ROUTES, CLIENT_ROUTES_FILE } from "./src/client-routes.ts";

/** Writes the router's paths to dist/client-routes.json for the webserver's 404 decision. */
function clientRoutesFile(): Plugin {
  return {
    name: "updraft-client-routes",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: CLIENT_ROUTES_FILE, source: `${JSON.stringify(CLIENT_ROUTES, null, 2)}\n` });
    },
  };
}

export default defineConfig({
  plugins: [react(), clientRoutesFile()],
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
