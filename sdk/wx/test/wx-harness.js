#!/usr/bin/env node
// Runs mini-program pages that use lianmai-wx.js in Node, against a real Lianmai server, for the server's WxSdkIT.
//
//   node wx-harness.js <lianmai-wx.js> <page.js>
//
// Each "phone" is its own vm context (its own `wx`, as each WeChat client has) holding one page: <page.js> is loaded
// the way the mini-program compiler loads it (`import X from '…lianmai-wx'` becomes a require of the SDK) and run
// through a fake Page()/getApp(). The simulated `wx` gives:
//   - connectSocket: a SocketTask over a real WebSocket (a small RFC 6455 client on node:http; no npm, Node >= 18);
//   - createLivePusherContext/createLivePlayerContext: contexts that record every call and succeed;
//   - navigateBack: recorded.
// Protocol with the test (JSON lines): commands on stdin {id, op, …}; on stdout the answers {id, ok, result|error},
// every TRTC event {phone, event, data}, and {fatal} if the harness gives up. Page console output goes to stderr.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const readline = require('readline');
const vm = require('vm');

const [sdkPath, pagePath] = process.argv.slice(2);
if (!sdkPath || !pagePath) {
  process.stderr.write('usage: node wx-harness.js <lianmai-wx.js> <page.js>\n');
  process.exit(2);
}
/** The whole run is bounded even if the test forgets to say quit. */
const WATCHDOG_MS = Number(process.env.WX_HARNESS_WATCHDOG_MS) || 240000;
/** A command that returns a Promise (snapshot, switchRole…) is answered when it settles, or after this. */
const PROMISE_TIMEOUT_MS = 10000;

const out = line => process.stdout.write(JSON.stringify(line) + '\n');
setTimeout(() => { out({fatal: 'watchdog: ' + WATCHDOG_MS + ' ms'}); process.exit(3); }, WATCHDOG_MS).unref();

// ---- a minimal WebSocket client (RFC 6455): text frames, fragmentation, ping/pong, close ----------------------------

class MiniWebSocket {
  constructor(url, handlers) {
    this.handlers = handlers; // {open, message(text), close(code, reason), error(message)}
    this.buffer = Buffer.alloc(0);
    this.fragments = null;
    this.closed = false;
    this.closeSent = false;
    const u = new URL(url);
    const secure = u.protocol === 'wss:';
    const key = crypto.randomBytes(16).toString('base64');
    const request = (secure ? https : http).request({
      host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || (secure ? 443 : 80), path: u.pathname + u.search,
      headers: {Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key,
        Host: u.host},
      timeout: 10000,
    });
    request.on('upgrade', (response, socket, head) => {
      const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      if (response.headers['sec-websocket-accept'] !== accept) {
        socket.destroy();
        this._fail('bad Sec-WebSocket-Accept');
        return;
      }
      this.socket = socket;
      socket.setNoDelay(true);
      socket.on('data', data => { this.buffer = Buffer.concat([this.buffer, data]); this._parse(); });
      socket.on('close', () => this._closed(1006, 'connection lost'));
      socket.on('error', () => {});
      this.handlers.open();
      if (head && head.length) { this.buffer = Buffer.concat([this.buffer, head]); this._parse(); }
    });
    request.on('response', response => { response.resume(); this._fail('HTTP ' + response.statusCode + ' instead of an upgrade'); });
    request.on('timeout', () => request.destroy(new Error('connect timeout')));
    request.on('error', error => this._fail(error.message));
    request.end();
  }

  _fail(message) {
    if (this.closed) return;
    this.handlers.error(message);
    this._closed(1006, message);
  }

  _closed(code, reason) {
    if (this.closed) return;
    this.closed = true;
    if (this.socket) this.socket.destroy();
    this.handlers.close(code, reason);
  }

  _frame(opcode, payload) {
    const mask = crypto.randomBytes(4);
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length])
      : length < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 255])
        : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
    this.socket.write(Buffer.concat([header, mask, body]));
  }

  send(text) {
    if (this.closed || this.closeSent || !this.socket) throw new Error('socket is not open');
    this._frame(1, Buffer.from(String(text), 'utf8'));
  }

  close(code, reason) {
    if (this.closed || this.closeSent || !this.socket) { if (!this.socket) this._closed(code || 1000, reason || ''); return; }
    this.closeSent = true;
    const payload = Buffer.concat([Buffer.from([(code || 1000) >> 8, (code || 1000) & 255]), Buffer.from(reason || '', 'utf8')]);
    this._frame(8, payload);
    setTimeout(() => this._closed(code || 1000, reason || ''), 1000).unref();
  }

  /** The network goes away: no close frame. */
  abort() {
    if (this.socket) this.socket.destroy();
    else this._fail('aborted');
  }

  _parse() {
    while (this.buffer.length >= 2) {
      const b0 = this.buffer[0], b1 = this.buffer[1];
      let length = b1 & 0x7f, offset = 2;
      if (length === 126) { if (this.buffer.length < 4) return; length = this.buffer.readUInt16BE(2); offset = 4; }
      else if (length === 127) { if (this.buffer.length < 10) return; length = Number(this.buffer.readBigUInt64BE(2)); offset = 10; }
      const masked = (b1 & 0x80) !== 0;
      if (masked) offset += 4;
      if (this.buffer.length < offset + length) return;
      const payload = Buffer.from(this.buffer.subarray(offset, offset + length));
      if (masked) { const mask = this.buffer.subarray(offset - 4, offset); for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3]; }
      this.buffer = this.buffer.subarray(offset + length);
      const opcode = b0 & 0x0f, fin = (b0 & 0x80) !== 0;
      if (opcode === 8) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reason = payload.subarray(2).toString('utf8');
        if (!this.closeSent) { this.closeSent = true; try { this._frame(8, payload.subarray(0, 2)); } catch (e) { /* gone */ } }
        this._closed(code, reason);
        return;
      }
      if (opcode === 9) { this._frame(10, payload); continue; }
      if (opcode === 10) continue;
      if (opcode === 1 || opcode === 2) this.fragments = [payload];
      else if (opcode === 0 && this.fragments) this.fragments.push(payload);
      if (fin && this.fragments) {
        const text = Buffer.concat(this.fragments).toString('utf8');
        this.fragments = null;
        this.handlers.message(text);
      }
    }
  }
}

// ---- a phone: one vm context with its own wx and one page --------------------------------------------------------

const phones = new Map();
const json = value => (value === undefined ? null : JSON.parse(JSON.stringify(value, (k, v) => (typeof v === 'function' ? undefined : v))));

/** A WeChat SocketTask over MiniWebSocket, recording the frames each way. */
function socketTask(phone, url) {
  const listeners = {open: [], message: [], close: [], error: []};
  const fire = (kind, arg) => listeners[kind].slice().forEach(fn => fn(arg));
  const record = {url: url, state: 'connecting'};
  phone.sockets.push(record);
  const ws = new MiniWebSocket(url, {
    open: () => { record.state = 'open'; fire('open', {header: {}}); },
    message: text => { phone.frames.push({dir: 'in', frame: safeParse(text)}); fire('message', {data: text}); },
    close: (code, reason) => { record.state = 'closed'; fire('close', {code: code, reason: reason}); },
    error: message => fire('error', {errMsg: message}),
  });
  record.ws = ws;
  return {
    onOpen: fn => listeners.open.push(fn),
    onMessage: fn => listeners.message.push(fn),
    onClose: fn => listeners.close.push(fn),
    onError: fn => listeners.error.push(fn),
    send(options) {
      try {
        ws.send(options.data);
        phone.frames.push({dir: 'out', frame: safeParse(options.data)});
        if (options.success) setImmediate(() => options.success({errMsg: 'sendSocketMessage:ok'}));
      } catch (e) {
        if (options.fail) setImmediate(() => options.fail({errMsg: 'sendSocketMessage:fail ' + e.message}));
      }
    },
    close(options) {
      const o = options || {};
      ws.close(o.code, o.reason);
      if (o.success) setImmediate(() => o.success({errMsg: 'closeSocket:ok'}));
    },
  };
}

function safeParse(text) {
  try { return JSON.parse(text); } catch (e) { return String(text); }
}

/** A LivePusherContext or LivePlayerContext: records each call and answers success. */
function nativeContext(phone, target) {
  return new Proxy({}, {
    get(ignored, method) {
      if (typeof method !== 'string' || method === 'then') return undefined;
      return options => {
        phone.calls.push({target: target, method: method, options: json(options || {})});
        const o = options || {};
        const result = method === 'snapshot' ? {tempImagePath: 'wxfile://tmp/snapshot.jpg', width: 360, height: 640}
          : {errMsg: method + ':ok'};
        setImmediate(() => { if (o.success) o.success(result); if (o.complete) o.complete(result); });
      };
    },
  });
}

function openPhone(name, query, server) {
  if (phones.has(name)) throw new Error('phone ' + name + ' is already open');
  const phone = {name: name, calls: [], frames: [], sockets: [], page: null};
  const log = (...args) => process.stderr.write('[' + name + '] ' + args.map(a => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') + '\n');
  const pusherContext = nativeContext(phone, 'pusher');
  const playerContexts = new Map();
  const wx = {
    connectSocket(options) {
      phone.calls.push({target: 'wx', method: 'connectSocket', options: json(options)});
      return socketTask(phone, options.url);
    },
    createLivePusherContext() {
      phone.calls.push({target: 'wx', method: 'createLivePusherContext', options: {}});
      return pusherContext;
    },
    createLivePlayerContext(id, component) {
      phone.calls.push({target: 'wx', method: 'createLivePlayerContext', options: {id: id, inPage: component === phone.page}});
      if (!playerContexts.has(id)) playerContexts.set(id, nativeContext(phone, 'player:' + id));
      return playerContexts.get(id);
    },
    navigateBack(options) { phone.calls.push({target: 'wx', method: 'navigateBack', options: json(options || {})}); },
  };
  let definition = null;
  const sandbox = {
    wx: wx,
    console: {log: log, info: log, warn: log, error: log, debug: log},
    setTimeout: setTimeout, clearTimeout: clearTimeout, setInterval: setInterval, clearInterval: clearInterval,
    Page: def => { definition = def; },
    getApp: () => ({globalData: {lianmaiServer: server}}),
  };
  const context = vm.createContext(sandbox);
  const sdkModule = {exports: {}};
  vm.runInContext('(function (module, exports) {' + fs.readFileSync(sdkPath, 'utf8') + '\n})', context,
    {filename: sdkPath})(sdkModule, sdkModule.exports);
  const TRTC = sdkModule.exports;
  // Every event of every instance the page creates goes to the test, through the public on().
  class ReportingTRTC extends TRTC {
    constructor(ctx, options) {
      super(ctx, options);
      for (const event of Object.keys(TRTC.EVENT)) this.on(event, e => out({phone: name, event: event, data: json(e.data)}));
    }
  }
  // What the mini-program compiler does with `import TRTC from '../../../static/lianmai-wx'`.
  const source = fs.readFileSync(pagePath, 'utf8')
    .replace(/^\s*import\s+(\w+)\s+from\s+(['"][^'"]+['"]);?/mg, 'const $1 = require($2);');
  vm.runInContext('(function (require) {' + source + '\n})', context, {filename: pagePath})(spec => {
    if (/(^|\/)lianmai-wx(\.js)?$/.test(spec)) return ReportingTRTC;
    throw new Error('the page requires ' + spec + ', which the harness does not provide');
  });
  if (!definition) throw new Error(pagePath + ' did not call Page()');
  const page = {};
  for (const key of Object.keys(definition)) page[key] = key === 'data' ? json(definition.data) : definition[key];
  page.route = 'pages/room/room';
  page.setData = (values, callback) => {
    for (const key of Object.keys(values || {})) setPath(page.data, key, json(values[key]));
    if (typeof callback === 'function') setTimeout(callback, 0); // after the view rendered
  };
  phone.page = page;
  phones.set(name, phone);
  page.onLoad(query || {});
  return phone;
}

/** setData keys may be paths: "a.b", "list[0].c". */
function setPath(target, path, value) {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    if (node[parts[i]] === null || typeof node[parts[i]] !== 'object') node[parts[i]] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    node = node[parts[i]];
  }
  node[parts[parts.length - 1]] = value;
}

function phone(name) {
  const found = phones.get(name);
  if (!found) throw new Error('no phone ' + name);
  return found;
}

function settle(value) {
  if (!value || typeof value.then !== 'function') return Promise.resolve({value: json(value)});
  return Promise.race([
    value.then(v => ({value: json(v)}), e => ({error: {code: e && e.code, message: String((e && (e.message || e.errMsg)) || e)}})),
    new Promise(resolve => setTimeout(() => resolve({error: {message: 'still pending after ' + PROMISE_TIMEOUT_MS + ' ms'}}), PROMISE_TIMEOUT_MS)),
  ]);
}

const ops = {
  open: c => { openPhone(c.phone, c.query, c.server); return {data: json(phone(c.phone).page.data)}; },
  state: c => {
    const p = phone(c.phone);
    return {data: json(p.page.data), calls: p.calls, frames: p.frames,
      sockets: p.sockets.map(s => ({url: s.url, state: s.state}))};
  },
  call: c => {
    const p = phone(c.phone);
    if (typeof p.page[c.method] !== 'function') throw new Error('the page has no method ' + c.method);
    return settle(p.page[c.method].apply(p.page, c.args || [])).then(r => assignData(r, p));
  },
  trtc: c => {
    const p = phone(c.phone);
    const trtc = p.page.TRTC;
    if (!trtc || typeof trtc[c.method] !== 'function') throw new Error('TRTC has no method ' + c.method);
    return settle(trtc[c.method].apply(trtc, c.args || [])).then(r => assignData(r, p));
  },
  dropSocket: c => {
    const p = phone(c.phone);
    let dropped = 0;
    for (const s of p.sockets) if (s.state !== 'closed') { s.ws.abort(); dropped++; }
    return {dropped: dropped};
  },
  quit: () => { setImmediate(() => process.exit(0)); return {}; },
};

function assignData(result, p) {
  result.data = json(p.page.data);
  return result;
}

readline.createInterface({input: process.stdin}).on('line', line => {
  if (!line.trim()) return;
  let command;
  try { command = JSON.parse(line); } catch (e) { out({fatal: 'not JSON: ' + line}); return; }
  Promise.resolve().then(() => {
    const op = ops[command.op];
    if (!op) throw new Error('unknown op ' + command.op);
    return op(command);
  }).then(result => out({id: command.id, ok: true, result: result}),
    error => out({id: command.id, ok: false, error: String(error && error.stack || error)}));
}).on('close', () => process.exit(0));

process.on('uncaughtException', error => { out({fatal: 'uncaught: ' + (error && error.stack || error)}); });
process.on('unhandledRejection', error => { process.stderr.write('unhandled rejection: ' + (error && error.stack || error) + '\n'); });
out({ready: true, node: process.version});
