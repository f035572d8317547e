// Stylesheets are bundled as text (esbuild's `text` loader) and adopted into shadow roots.
declare module '*.css' {
  const text: string;
  export default text;
}
