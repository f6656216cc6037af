#!/usr/bin/env node
// Type-checks the SDKs' declaration files and checks them against the SDKs themselves.
//
//   node check-declarations.js <path of tsc> <repository root>
//
// 1. The compiler (Debian's node-typescript, found from the tsc given) checks lianmai-core.d.ts, lianmai-web.d.ts
//    and lianmai-wx.d.ts with --strict, laid out as the server serves them (/sdk/), and usage.ts, which calls the
//    public API as the READMEs show it.
// 2. Every member the declarations give TRTC (instance and static), the pusher, the player controls and the web
//    module's exports exists in the loaded SDK, and every public member the SDK has is declared.
// Prints one line per problem and exits 1 if there is any; 0 and "ok" otherwise. No npm, Node >= 18.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const {pathToFileURL} = require('url');

const [tscPath, rootArg] = process.argv.slice(2);
if (!tscPath || !rootArg) {
  process.stderr.write('usage: node check-declarations.js <tsc> <repository root>\n');
  process.exit(2);
}
const root = path.resolve(rootArg);
const ts = require(path.join(path.dirname(fs.realpathSync(tscPath)), '..', 'lib', 'typescript.js'));
const problems = [];

// The files as the server serves them, side by side under /sdk/ (lianmai-web.d.ts imports ./lianmai-core), with the
// JavaScript as .mjs/.cjs so that Node loads each as what it is.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lianmai-sdk-'));
process.on('exit', () => fs.rmSync(scratch, {recursive: true, force: true}));
const copy = (from, to, edit) => {
  const text = fs.readFileSync(path.join(root, from), 'utf8');
  fs.writeFileSync(path.join(scratch, to), edit ? edit(text) : text);
  return path.join(scratch, to);
};
const files = {
  core: copy('sdk/core/lianmai-core.d.ts', 'lianmai-core.d.ts'),
  web: copy('sdk/web/lianmai-web.d.ts', 'lianmai-web.d.ts'),
  wx: copy('sdk/wx/lianmai-wx.d.ts', 'lianmai-wx.d.ts'),
  usage: copy('sdk/test/usage.ts', 'usage.ts'),
};
copy('sdk/core/lianmai-core.js', 'lianmai-core.mjs');
copy('sdk/web/lianmai-web.js', 'lianmai-web.mjs', text => text.replace(/from '\.\/lianmai-core\.js'/g, "from './lianmai-core.mjs'"));
copy('sdk/wx/lianmai-wx.js', 'lianmai-wx.cjs');
const program = ts.createProgram(Object.values(files), {
  strict: true, noEmit: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10 || ts.ModuleResolutionKind.NodeJs, esModuleInterop: true,
  lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'], types: [],
});
for (const d of ts.getPreEmitDiagnostics(program)) {
  const where = d.file ? path.basename(d.file.fileName) + ':' + (d.file.getLineAndCharacterOfPosition(d.start).line + 1) : '';
  problems.push('tsc ' + where + ': ' + ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
const checker = program.getTypeChecker();

function moduleExports(file) {
  return checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)));
}

function resolved(symbol) {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function exported(file, name) {
  const symbol = moduleExports(file).find(s => s.escapedName === name);
  if (!symbol) throw new Error(path.basename(file) + ' declares no ' + name);
  return resolved(symbol);
}

/** Declared members of a class or interface: name → whether it is a method. */
function declaredMembers(symbol) {
  const members = new Map();
  for (const p of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
    const type = checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration || p.declarations[0]);
    members.set(p.name, type.getCallSignatures().length > 0);
  }
  return members;
}

function staticMembers(symbol) {
  const type = checker.getTypeOfSymbolAtLocation(symbol, symbol.valueDeclaration);
  return checker.getPropertiesOfType(type).map(p => p.name).filter(name => name !== 'prototype');
}

/** Public members an object has at runtime: own keys and prototype-chain methods, none starting with '_'. */
function runtimeMembers(object) {
  const names = new Set(Object.keys(object));
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
  }
  names.delete('constructor');
  return [...names].filter(name => !name.startsWith('_'));
}

function compare(what, declared, object) {
  for (const [name, method] of declared) {
    if (!(name in object)) problems.push(what + '.' + name + ' is declared but missing');
    else if (method && typeof object[name] !== 'function') problems.push(what + '.' + name + ' is declared a method but is not a function');
  }
  for (const name of runtimeMembers(object)) {
    if (!declared.has(name)) problems.push(what + '.' + name + ' exists but is not declared');
  }
}

function compareStatics(what, declared, cls) {
  for (const name of declared) if (!(name in cls)) problems.push(what + '.' + name + ' (static) is declared but missing');
  for (const name of Object.getOwnPropertyNames(cls)) {
    if (['length', 'name', 'prototype'].includes(name) || name.startsWith('_')) continue;
    if (!declared.includes(name)) problems.push(what + '.' + name + ' (static) exists but is not declared');
  }
}

function checkSdk(label, file, TRTC) {
  const trtcSymbol = exported(file, 'default');
  const trtc = new TRTC({setData() {}}, {env: 'test', serverUrl: 'wss://127.0.0.1:9/ws'});
  compare(label + ' TRTC', declaredMembers(trtcSymbol), trtc);
  compareStatics(label + ' TRTC', staticMembers(trtcSymbol), TRTC);
  compare(label + ' Pusher', declaredMembers(exported(file, 'Pusher')), trtc.createPusher({}));
  compare(label + ' Player', declaredMembers(exported(file, 'Player')), trtc.getPlayerInstance('alice_main'));
}

async function main() {
  const web = await import(pathToFileURL(path.join(scratch, 'lianmai-web.mjs')).href);
  checkSdk('web', files.web, web.default);
  const exportNames = moduleExports(files.web).filter(s => resolved(s).flags & ts.SymbolFlags.Value).map(s => s.escapedName);
  for (const name of exportNames) if (!(name in web)) problems.push('web export ' + name + ' is declared but missing');
  for (const name of Object.keys(web)) if (!exportNames.includes(name)) problems.push('web export ' + name + ' exists but is not declared');
  checkSdk('wx', files.wx, require(path.join(scratch, 'lianmai-wx.cjs')));
}

main().then(() => {
  for (const problem of problems) process.stdout.write(problem + '\n');
  process.stdout.write(problems.length ? problems.length + ' problem(s)\n' : 'ok\n');
  process.exit(problems.length ? 1 : 0);
}, error => {
  process.stdout.write('check failed: ' + (error && error.stack || error) + '\n');
  process.exit(1);
});
