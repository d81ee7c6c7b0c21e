import { defineConfig } from 'vite';

// No @vitejs/plugin-react (the machine note): esbuild compiles JSX with the automatic runtime, and
// `npm run dev` reloads the page instead of Fast Refresh.
const stack = process.env.VSM_WEB_DEV_TARGET ?? 'http://127.0.0.1:4080';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    sourcemap: true,
    target: 'es2022',
    rollupOptions: {
      onwarn(warning, warn) {
        // React Router ships "use client" for server components; a client-only bundle has no use for it.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': stack,
      '/config.json': stack,
      '/dev-issuer': stack,
    },
  },
});
