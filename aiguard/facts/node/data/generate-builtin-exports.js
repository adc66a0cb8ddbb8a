// Regenerates builtin-exports.json: the exports of every Node.js built-in module, as the union of
// the running Node's own module objects and the names @types/node declares (read with
// TypeScript's checker), so that a name either knows is never called hallucinated.
//
//   npm install typescript@5 @types/node@latest
//   node generate-builtin-exports.js > raw.json
//   python3 -c "import json,sys; d=json.load(open('raw.json')); json.dump({'generated_from':
//     {'node': d['node'], '@types/node': d['types_node']}, 'modules': d['modules']},
//     open('builtin-exports.json','w'), indent=0, sort_keys=True)"
//
// Run it with the newest Node you have: names only an older Node had are kept by @types/node's
// history only if still declared, so regenerate rather than hand-edit.
const ts = require("typescript");
const path = require("path");
const { builtinModules } = require("module");
const typesDir = path.dirname(require.resolve("@types/node/package.json"));
const program = ts.createProgram([path.join(typesDir, "index.d.ts")], { types: [], noLib: false, lib: ["lib.esnext.d.ts"] });
const checker = program.getTypeChecker();
const declared = {};
for (const file of program.getSourceFiles()) {
  if (!file.fileName.startsWith(typesDir)) continue;
  ts.forEachChild(file, (node) => {
    if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      const sym = checker.getSymbolAtLocation(node.name);
      if (!sym) return;
      const name = node.name.text.replace(/^node:/, "");
      const names = declared[name] || (declared[name] = new Set());
      for (const e of checker.getExportsOfModule(sym)) {
        if (e.name !== "default" && e.name !== "export=") names.add(e.name);
        if (e.name === "default" || e.name === "export=") names.add("default");
      }
      // `export = process`: the members of what is exported (a value's type, a class's statics).
      const equals = sym.exports && sym.exports.get("export=");
      if (equals) {
        const type = checker.getTypeOfSymbolAtLocation(equals, node);
        for (const p of checker.getPropertiesOfType(type)) names.add(p.name);
      }
    }
  });
}
const out = {};
const all = new Set([...builtinModules.filter((m) => !m.startsWith("_")), ...Object.keys(declared)]);
for (const m of [...all].sort()) {
  const names = new Set(declared[m] || []);
  let runtime = false;
  try {
    const mod = require(m.startsWith("node:") ? m : "node:" + m);
    // Own and inherited names: `process.on` comes from EventEmitter.prototype.
    for (let o = mod; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
      for (const k of Object.getOwnPropertyNames(o)) names.add(k);
    }
    names.add("default");
    runtime = true;
  } catch (e) {}
  out[m] = [...names].sort();
}
process.stdout.write(JSON.stringify({ node: process.version, types_node: require("@types/node/package.json").version, modules: out }, null, 0));
