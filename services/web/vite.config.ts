import { defineConfig } from 'vite';

// No @vitejs/plugin-react (the machine note): esbuild compiles JSX with the automatic runtime, and
// `npm run dev` reloads the page instead of Fast Refresh.
const stack = process.env.VSM_WEB_DEV_TARGET ?? 'http://127.0.0.1:4080';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', sourcemap: true, target: 'es2022' },
  server: {
    port: 5173,
    proxy: {
      '/graphql': stack,
      '/config.json': stack,
      '/dev-issuer': stack,
    },
  },
});
