// The style sheet is imported for esbuild, which bundles it into app.css.
declare module '*.css';
