import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The browser app (src/web) → dist/web, which the server serves at the API's port. `npm start` builds it through
 * scripts/build-web.mjs; `npx vite` serves it for development with the API proxied to a running server.
 */

const root = fileURLToPath(new URL("./src/web", import.meta.url));
const outDir = fileURLToPath(new URL("./dist/web", import.meta.url));
const server = process.env.YIBAO_API ?? "http://127.0.0.1:8080";

/**
 * Libraries large enough to be cached on their own, then the app's shared code; each page is its own lazy chunk. A group
 * takes its modules' dependencies too, so React goes first (higher priority) or Ant Design's group would swallow it.
 */
const CHUNKS: { name: string; test: RegExp | ((id: string) => boolean); priority: number }[] = [
  { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
  { name: "echarts", test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 20 },
  { name: "qrcode", test: /node_modules[\\/](qrcode|dijkstrajs|pngjs|encode-utf8)[\\/]/, priority: 20 },
  { name: "antd", test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[\w-]+|@emotion|stylis|dayjs|@babel[\\/]runtime)[\\/]/, priority: 10 },
  // The app's shared code (client, i18n, router, components) in one chunk rather than a dozen tiny ones; the chart
  // component stays out, or every page would load ECharts.
  { name: "app", test: (id) => /src[\\/]web[\\/](lib|i18n|components)[\\/]/.test(id) && !/Chart\.tsx$/.test(id), priority: 5 },
];

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: CHUNKS },
      },
    },
  },
  server: {
    proxy: {
      "/api": server,
      "/fsi": server,
      "/health": server,
    },
  },
});
