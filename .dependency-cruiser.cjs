/**
 * The arrows of the house (ARCHITECTURE.md, ../shared/docs/architecture.md), checked on every `npm test`:
 * domain at the ground (pure: no I/O, no clock-bound library), wire and lib beside it, store above, services above
 * those, the faces (the hospital interface's gateway, the REST API, the command line) on top, the hospital simulator
 * (src/simulator) a client that talks to the faces, the web app apart (it speaks to the server over HTTP only).
 * Nothing imports upward, and there are no circles.
 */
const IO_MODULES = "^(node:)?(fs|fs/promises|net|http|https|child_process|dgram|dns|tls|worker_threads|cluster)$";

/** The layers whose code is in one folder per capability (ARCHITECTURE.md). */
const LAYERS = ["src/domain", "src/services", "src/api/v1", "src/gateway/his/handlers", "src/cli"];

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "A circle makes two modules one; break it by moving the shared piece down.", from: {}, to: { circular: true } },
    {
      name: "domain-is-pure", severity: "error",
      comment: "src/domain holds the rules: no database, no HTTP, no files, nothing above it.",
      from: { path: "^src/domain/" },
      to: { path: "^src/(store|services|api|gateway|cli|simulator|web)/" },
    },
    {
      name: "domain-has-no-io", severity: "error",
      comment: "src/domain does no I/O: no node I/O modules, no database driver, no web framework.",
      from: { path: "^src/domain/" },
      to: { dependencyTypes: ["core", "npm"], path: [IO_MODULES, "^(pg|@electric-sql/pglite|drizzle-orm|fastify|exceljs|pino)($|/)"] },
    },
    {
      name: "wire-and-lib-stay-low", severity: "error",
      comment: "src/wire (the interface's shapes) and src/lib (small helpers) stand on the domain only.",
      from: { path: "^src/(wire|lib)/" },
      to: { path: "^src/(store|services|api|gateway|cli|simulator|web)/" },
    },
    {
      name: "store-below-services", severity: "error",
      comment: "src/store is the schema and the connection: it knows no use case.",
      from: { path: "^src/store/" },
      to: { path: "^src/(services|api|gateway|cli|his|web)/" },
    },
    {
      name: "services-below-faces", severity: "error",
      comment: "A use case does not know which face called it (the REST API, the hospital interface, the command line).",
      from: { path: "^src/services/" },
      to: { path: "^src/(api|gateway|cli|simulator|web)/" },
    },
    {
      name: "faces-apart", severity: "error",
      comment: "The REST API and the hospital interface are two faces of the same services: neither imports the other's internals.",
      // src/api/server.ts is the one place both faces meet: it mounts the interface's plugin beside the API's routes.
      from: { path: "^src/api/", pathNot: "^src/api/server\\.ts$" },
      to: { path: "^src/(gateway|cli|simulator|web)/" },
    },
    {
      name: "gateway-apart", severity: "error",
      comment: "The hospital interface's server does not import the REST API, the command line or the simulator.",
      from: { path: "^src/gateway/" },
      to: { path: "^src/(api|cli|simulator|web)/" },
    },
    {
      name: "web-speaks-http-only", severity: "error",
      comment: "The console and the portal run in the browser: they reach the server through its HTTP API, never its modules.",
      from: { path: "^src/web/" },
      to: { path: "^src/(domain|wire|lib|store|services|api|gateway|cli|simulator)/" },
    },
    {
      name: "nothing-imports-the-cli", severity: "error",
      comment: "The command line is the top: nothing in src imports it.",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "capability-through-its-index", severity: "error",
      comment:
        "A capability's folder (settlement/, enrollment/, …) is entered through its index.ts: another capability of the same layer " +
        "imports what the index exports, never a file behind it. common/ is the layer's shared room, open to every capability in it.",
      from: { path: "^src/(domain|services|api/v1|gateway/his/handlers|cli)/([^/]+)/" },
      to: { path: "^src/$1/[^/]+/", pathNot: ["^src/$1/$2/", "^src/$1/[^/]+/index\\.ts$", "^src/$1/common/"] },
    },
    ...LAYERS.map((layer) => ({
      name: "other-layers-through-the-index", severity: "error",
      comment: `Outside ${layer}, a capability's folder of it (and its common/) is entered through its index.ts only.`,
      from: { path: "^src/", pathNot: `^${layer}/` },
      to: { path: `^${layer}/[^/]+/`, pathNot: `^${layer}/[^/]+/index\\.ts$` },
    })),
    {
      name: "no-unresolvable", severity: "error", comment: "An import that resolves to nothing.",
      from: {}, to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
    moduleSystems: ["es6"],
  },
};
