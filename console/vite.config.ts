import { defineConfig } from 'vite';

/** Where `npm run console:dev` sends API calls (the server `npm start` runs). */
const api = process.env.CONSOLE_API_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

export default defineConfig({
  // Relative asset URLs: the built files work from any folder or bucket prefix.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': api, '/console-config.json': api } },
});
