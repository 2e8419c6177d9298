// Vite's client types: lets `import './compare.css'` type-check (TS 6 checks side-effect imports).
/// <reference types="vite/client" />
