// Validates Kubernetes objects (a JSON list on stdin) against the API schemas bundled in the npm
// package kubernetes-models, offline. Usage: node validate_k8s.cjs NODE_MODULES_DIR < objects.json
// Prints one line per problem and exits 1 if there is any; an unknown apiVersion/kind is a problem.
"use strict";
const path = require("path");
const { pathToFileURL } = require("url");

const modules = path.resolve(process.argv[2]);
const objects = JSON.parse(require("fs").readFileSync(0, "utf8"));
let problems = 0;
(async () => {
for (const obj of objects) {
  const where = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
  // "apps/v1" -> kubernetes-models/apps/v1/<Kind>; the core group "v1" -> kubernetes-models/v1/<Kind>.
  // The Prometheus Operator's kinds (monitoring.coreos.com) come from their own package.
  const pkg = obj.apiVersion.startsWith("monitoring.coreos.com/")
    ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
  let Model;
  try {
    // The model's own file (one package is ES modules only, so import() rather than require).
    const mod = await import(pathToFileURL(path.join(modules, pkg, obj.apiVersion, `${obj.kind}.js`)));
    Model = mod[obj.kind] || (mod.default && mod.default[obj.kind]);
    if (!Model) throw new Error("no model");
  } catch (e) {
    console.log(`${where}: no schema for ${obj.apiVersion} ${obj.kind}`);
    problems++;
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    console.log(`${where}: ${e.message}`);
    problems++;
  }
}
console.log(`${objects.length} objects checked, ${problems} invalid`);
process.exit(problems ? 1 : 0);
})();
