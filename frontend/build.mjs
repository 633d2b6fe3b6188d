// Copies the pinned front-end packages into Django's static files (nothing is loaded from a CDN).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "src", "continuum", "portal", "static", "vendor");

rmSync(out, { recursive: true, force: true });
const uswds = join(modules, "@uswds", "uswds", "dist");
for (const part of ["css", "js", "img", "fonts"]) {
  cpSync(join(uswds, part), join(out, "uswds", part), { recursive: true });
}
mkdirSync(join(out, "htmx"), { recursive: true });
cpSync(join(modules, "htmx.org", "dist", "htmx.min.js"), join(out, "htmx", "htmx.min.js"));
console.log(`front end copied to ${out}`);
