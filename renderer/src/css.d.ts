// Plain CSS files are imported for their side effect (Vite bundles them); this tells TypeScript they exist.
declare module '*.css';
