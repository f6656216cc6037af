// Lianmai SDK core: the room state machine both SDKs share (signalling over /ws, docs/protocol.md v1).
//
// It owns what does not depend on how media flows: the event and error tables, pusher/player defaults, request ids
// and timeouts, heartbeat, enter/resume/rejoin with back-off, member and stream reconciliation, role switches and
// custom messages. An adapter extends TRTCCore and supplies the media side:
//   - sdk/web/lianmai-web.js: RTCPeerConnection (imports this module from the same /sdk/ path);
//   - sdk/wx/lianmai-wx.js: <live-pusher>/<live-player> (this file is inlined into it by sdk/tools/AssembleWxSdk.java,
//     so a developer still copies one CommonJS file into a mini program).
// Written in ES2017 without optional chaining or object spread, so the inlined copy runs on every mini-program base
// library. No dependencies. Lines starting with `export ` lose that word when inlined; keep exports in that form.
//
// Adapter hooks (all optional unless marked): _openSocket(url, handlers) (required) → {send(text), close(code,
// reason)}; _serverWsUrl() (required); _validateRoom(params); _prepareEnter(p, pusherAttrs) → pusher url;
// _makePusher() (required); _stopPushing(); _resetMedia(); _joinedIntervals() → [[fn, ms]]; _adoptJoin(data, how);
// _afterJoin(how); _afterReconcile(how); _initPlayer(player, flags); _streamFlags(player, flags) → changed;
// _playerRemoved(streamID); _streamApplied(player, present, changed); _playerAttributesChanged(streamID, before);
// _streamTypeSwitched(streamID, player); _roleSwitched(role) → optional Promise; _publishedLayers(streamType, mid,
// activeRids) (the server's `layers` event: which simulcast encodings of our own publication to send).

export const VERSION = '1.0.0';
export const PROTOCOL_VERSION = 1;

/**
 * Event names (trtc-wx's, plus CONNECTION_STATE_UPDATE and REMOTE_USER_ROLE_UPDATE, Lianmai extensions, and
 * CONNECT_OTHER_ROOM / DISCONNECT_OTHER_ROOM, TRTC's native onConnectOtherRoom / onDisConnectOtherRoom named as
 * trtc-wx names its events).
 */
export const EVENT = Object.freeze({
  LOCAL_JOIN: 'LOCAL_JOIN',
  LOCAL_LEAVE: 'LOCAL_LEAVE',
  KICKED_OUT: 'KICKED_OUT',
  REMOTE_USER_JOIN: 'REMOTE_USER_JOIN',
  REMOTE_USER_LEAVE: 'REMOTE_USER_LEAVE',
  REMOTE_VIDEO_ADD: 'REMOTE_VIDEO_ADD',
  REMOTE_VIDEO_REMOVE: 'REMOTE_VIDEO_REMOVE',
  REMOTE_AUDIO_ADD: 'REMOTE_AUDIO_ADD',
  REMOTE_AUDIO_REMOVE: 'REMOTE_AUDIO_REMOVE',
  REMOTE_STATE_UPDATE: 'REMOTE_STATE_UPDATE',
  LOCAL_NET_STATE_UPDATE: 'LOCAL_NET_STATE_UPDATE',
  REMOTE_NET_STATE_UPDATE: 'REMOTE_NET_STATE_UPDATE',
  LOCAL_AUDIO_VOLUME_UPDATE: 'LOCAL_AUDIO_VOLUME_UPDATE',
  REMOTE_AUDIO_VOLUME_UPDATE: 'REMOTE_AUDIO_VOLUME_UPDATE',
  VIDEO_FULLSCREEN_UPDATE: 'VIDEO_FULLSCREEN_UPDATE',
  BGM_PLAY_START: 'BGM_PLAY_START',
  BGM_PLAY_FAIL: 'BGM_PLAY_FAIL',
  BGM_PLAY_PROGRESS: 'BGM_PLAY_PROGRESS',
  BGM_PLAY_COMPLETE: 'BGM_PLAY_COMPLETE',
  PLAYER_WARNING: 'PLAYER_WARNING',
  ERROR: 'ERROR',
  IM_READY: 'IM_READY',
  IM_MESSAGE_RECEIVED: 'IM_MESSAGE_RECEIVED',
  IM_NOT_READY: 'IM_NOT_READY',
  IM_KICKED_OUT: 'IM_KICKED_OUT',
  IM_ERROR: 'IM_ERROR',
  CONNECTION_STATE_UPDATE: 'CONNECTION_STATE_UPDATE',
  REMOTE_USER_ROLE_UPDATE: 'REMOTE_USER_ROLE_UPDATE',
  CONNECT_OTHER_ROOM: 'CONNECT_OTHER_ROOM',
  DISCONNECT_OTHER_ROOM: 'DISCONNECT_OTHER_ROOM',
});

/** Error codes the SDK itself produces (server codes are passed through unchanged). */
export const ERROR_CODE = Object.freeze({
  CAMERA_FAILED: -1301,
  MIC_FAILED: -1302,
  PUSH_CONNECTION_LOST: -1307,
  INVALID_PARAMETER: -2,
  STATE: -1,
  USERSIG_FAILED: -100018,
  ENTER_ROOM_FAILED: -3301,
  ROOM_ID_INVALID: -3318,
  USER_ID_INVALID: -3319,
  CONNECT_OTHER_ROOM_INVALID_PARAMETER: -3328,
  CONNECT_OTHER_ROOM_AS_AUDIENCE: -3330,
});

export const DEFAULT_PUSHER = Object.freeze({
  url: '', mode: 'RTC', autopush: false, enableCamera: false, enableMic: false, enableAgc: false, enableAns: false,
  enableEarMonitor: false, enableAutoFocus: true, enableZoom: false, minBitrate: 600, maxBitrate: 900,
  videoWidth: 360, videoHeight: 640, beautyLevel: 0, whitenessLevel: 0, videoOrientation: 'vertical',
  videoAspect: '9:16', frontCamera: 'front', enableRemoteMirror: false, localMirror: 'auto',
  enableBackgroundMute: false, audioQuality: 'high', audioVolumeType: 'voicecall', audioReverbType: 0,
  waitingImage: '', beautyStyle: 'smooth', filter: '', netStatus: {},
});

export const DEFAULT_PLAYER = Object.freeze({
  src: '', hasVideo: false, hasAudio: false, volume: 0, mode: 'RTC', autoplay: true, muteAudio: false,
  muteVideo: false, orientation: 'vertical', objectFit: 'fillCrop', enableBackgroundMute: false, minCache: 1,
  maxCache: 2, soundMode: 'speaker', enableRecvMessage: false, autoPauseIfNavigate: true,
  autoPauseIfOpenNative: true, isVisible: true, netStatus: {},
});

/** TRTC's TRTCQuality: how good one network path is, as one level. 0 says nothing is known yet. */
export const QUALITY = Object.freeze({UNKNOWN: 0, EXCELLENT: 1, GOOD: 2, POOR: 3, BAD: 4, VERY_BAD: 5, DOWN: 6});

/**
 * The highest value of each measure that still counts as EXCELLENT, GOOD, POOR and BAD; above the last it is VERY_BAD
 * (DOWN is kept for a connection that is gone). The one table both SDKs grade by (docs/networks.md, Network quality):
 *   loss      % of packets lost over the last interval (RTP: what RTCP reports; beyond ~8 % speech breaks up)
 *   rtt       ms round trip (ITU-T G.114: up to ~150 ms one way a conversation feels natural)
 *   jitter    ms interarrival jitter (RFC 3550 §6.4.1), which the receiver's jitter buffer has to absorb
 *   shortfall % of the encoded bitrate the network did not carry (RTMP over TCP, which reports no loss)
 */
export const QUALITY_THRESHOLDS = Object.freeze({
  loss: Object.freeze([1, 3, 8, 15]),
  rtt: Object.freeze([100, 200, 400, 800]),
  jitter: Object.freeze([20, 40, 80, 150]),
  shortfall: Object.freeze([10, 20, 35, 50]),
});

/**
 * The quality level (QUALITY) of a path from what is measured on it: each known measure is graded by
 * QUALITY_THRESHOLDS and the worst grade wins; UNKNOWN when nothing is known. Missing, negative or non-numeric
 * measures are not known.
 */
export function networkQuality(measures) {
  let level = QUALITY.UNKNOWN;
  for (const name of Object.keys(QUALITY_THRESHOLDS)) {
    const value = measures ? measures[name] : undefined;
    if (typeof value !== 'number' || !isFinite(value) || value < 0) continue;
    const bounds = QUALITY_THRESHOLDS[name];
    let grade = QUALITY.EXCELLENT;
    while (grade <= bounds.length && value > bounds[grade - 1]) grade++;
    level = Math.max(level, grade);
  }
  return level;
}

/** The worse of quality levels (a higher level is worse; UNKNOWN, 0, yields to any known one). */
const worseQuality = (a, b) => Math.max(a || QUALITY.UNKNOWN, b || QUALITY.UNKNOWN);
/** How often a publisher repeats an unchanged uplink level to the room, so that members who came later learn it. */
const UPLINK_REPEAT_MS = 10000;
/** The server takes one uplink report a second (docs/protocol.md, netQuality). */
const UPLINK_MIN_GAP_MS = 1000;

export const CHINESE = /[\u3400-\u9fff\uf900-\ufaff]/;
/** The server's answer to a resume while it still hears the member's old socket (docs/protocol.md). */
const RESUME_STILL_CONNECTED = -1202;
/** Resumes tried, one heartbeat interval apart, before entering again: the old socket is gone well before. */
const RESUME_RETRIES = 4;
const RECV_MODES = [1, 2, 3, 4];

export const assign = Object.assign;
/** A copy of pusher or player attributes (their netStatus too), as every public call returns them. */
export const copy = attrs => assign({}, attrs, {netStatus: assign({}, attrs.netStatus || {})});
export const sdkError = (code, message, extra) => assign(new Error(message), {code: code}, extra);
/** Errors that only say "the room session this work belonged to is over": never reported as ERROR. */
export const quiet = error => !!(error && (error.left || error.socketLost));
export const errorData = (error, fallbackCode) => ({
  code: error && typeof error.code === 'number' ? error.code : fallbackCode,
  message: String((error && (error.message || error.errMsg)) || error),
});
export const present = value => value !== undefined && value !== null && value !== '';

/** Splits "{userID}_{streamType}" at the last underscore. */
export function parseStreamID(streamID) {
  const text = String(streamID);
  const at = text.lastIndexOf('_');
  return at < 0 ? {userID: text, streamType: 'main'} : {userID: text.slice(0, at), streamType: text.slice(at + 1)};
}

/** The room state machine of one TRTC instance; an adapter subclass supplies the media (see the hooks above). */
export class TRTCCore {
  /**
   * @param ctx the page or component (any object with setData(obj, callback))
   * @param options the app's options, over `defaults` (the adapter's), over the core's timeouts
   * @param logPrefix what each console line starts with
   */
  constructor(ctx, options, defaults, logPrefix) {
    this.ctx = ctx;
    this.options = assign({requestTimeoutMs: 10000, reconnectTimeoutMs: 60000}, defaults || {}, options || {});
    this.EVENT = EVENT;
    this.ERROR_CODE = ERROR_CODE;
    this._logPrefix = logPrefix || '[lianmai]';
    this._logLevel = typeof this.options.logLevel === 'number' ? this.options.logLevel : 1;
    this._handlers = new Map();
    this._pusherInitial = copy(DEFAULT_PUSHER);
    this._pusher = null;
    this._epoch = 0;
    this._resetRoomState();
  }

  // ---- logging and events -----------------------------------------------------------------------------------

  setLogLevel(level) { this._logLevel = Number(level) || 0; }

  _log(level) {
    if (this.options.env === 'test' || level < this._logLevel || typeof console === 'undefined') return;
    const args = Array.prototype.slice.call(arguments, 1);
    const method = console[['log', 'info', 'warn', 'error'][level]] || console.log;
    method.apply(console, [this._logPrefix].concat(args));
  }

  on(name, handler, context) {
    if (typeof handler !== 'function') return;
    if (!this._handlers.has(name)) this._handlers.set(name, []);
    this._handlers.get(name).push({handler: handler, context: context});
  }

  off(name, handler) {
    if (name === undefined) { this._handlers.clear(); return; }
    if (!handler) { this._handlers.delete(name); return; }
    const list = this._handlers.get(name) || [];
    this._handlers.set(name, list.filter(entry => entry.handler !== handler));
  }

  _emit(name, data) {
    this._log(0, 'event', name, data);
    for (const entry of (this._handlers.get(name) || []).slice()) {
      try {
        entry.handler.call(entry.context, {eventCode: name, data: data});
      } catch (e) {
        this._log(3, 'handler of', name, 'threw', e);
      }
    }
  }

  _error(code, message) { this._emit(EVENT.ERROR, {code: code, message: message}); }

  // ---- state ----------------------------------------------------------------------------------------------------

  _resetRoomState() {
    this._epoch = (this._epoch || 0) + 1;
    this._state = 'idle'; // idle | entering | joined | reconnecting
    this._params = null;
    this._sock = null;
    this._requestId = 0;
    this._pending = new Map();
    this._queue = [];
    this._sessionToken = null;
    this._nodeUrl = null; // a cluster node the server sent us to (docs/cluster.md); null: the configured server
    this._moves = 0;
    this._heartbeatMs = 10000;
    this._timers = [];
    this._users = new Map();
    this._players = new Map();
    this._started = false;
    this._recvMode = 1;
    this._remoteUplink = new Map();
    this._uplinkSent = null;
    this._resetMedia();
  }

  _resetMedia() {}

  _userList() {
    return Array.from(this._users.values()).map(u => ({userID: u.userID, role: u.role, hasMainVideo: u.hasMainVideo,
      hasMainAudio: u.hasMainAudio, hasAuxVideo: u.hasAuxVideo}));
  }

  getPlayerList() { return Array.from(this._players.values()).map(p => copy(p.attrs)); }

  /** Runs fn after ms unless the room is left first (the timer is cleared with the others). */
  _later(fn, ms) {
    const timer = setTimeout(() => {
      this._timers = this._timers.filter(t => t.id !== timer);
      fn();
    }, ms);
    this._timers.push({id: timer, once: true});
  }

  _clearIntervals() {
    for (const timer of this._timers) if (!timer.once) clearInterval(timer.id);
    this._timers = this._timers.filter(timer => timer.once);
  }

  // ---- pusher -----------------------------------------------------------------------------------------------------

  createPusher(attrs) {
    this._pusherInitial = assign({}, DEFAULT_PUSHER, attrs || {}, {netStatus: {}});
    const pusher = assign({pusherAttributes: copy(this._pusherInitial)}, this._makePusher());
    this._pusher = pusher;
    return pusher;
  }

  getPusherInstance() { return this._pusher || this.createPusher(); }

  _pusherAttrs() { return this.getPusherInstance().pusherAttributes; }

  getPusherAttributes() { return copy(this._pusherAttrs()); }

  _canPublish() {
    const p = this._params;
    return !!p && !(p.scene === 'live' && p.role === 'audience');
  }

  _stopPushing() {}

  // ---- room -------------------------------------------------------------------------------------------------------

  _validate(params) {
    const sdkAppID = params.sdkAppID, userID = params.userID, userSig = params.userSig;
    if (!sdkAppID || !(Number(sdkAppID) > 0)) return [ERROR_CODE.INVALID_PARAMETER, 'sdkAppID is required'];
    if (!userID || typeof userID !== 'string') return [ERROR_CODE.USER_ID_INVALID, 'userID is required'];
    if (CHINESE.test(userID)) return [ERROR_CODE.USER_ID_INVALID, 'userID must not contain Chinese characters'];
    if (!userSig) return [ERROR_CODE.USERSIG_FAILED, 'userSig is required'];
    return this._validateRoom(params);
  }

  /** The numeric roomID check; the web adapter also takes strRoomID. */
  _validateRoom(params) {
    const room = Number(params.roomID);
    if (!Number.isInteger(room) || room < 1 || room > 4294967295) {
      return [ERROR_CODE.ROOM_ID_INVALID, 'roomID must be an integer in 1..4294967295'];
    }
    return null;
  }

  enterRoom(params) {
    const given = params || {};
    const invalid = this._validate(given);
    if (invalid) {
      this._log(3, 'enterRoom:', invalid[1]);
      this._error(invalid[0], invalid[1]);
      return this.getPusherAttributes();
    }
    if (this._state !== 'idle') this._leaveLocally();
    const p = assign({}, given, {sdkAppID: Number(given.sdkAppID), scene: given.scene === 'live' ? 'live' : 'rtc'});
    if (present(p.strRoomID)) { p.strRoomID = String(p.strRoomID); delete p.roomID; }
    else { p.roomID = Number(p.roomID); delete p.strRoomID; }
    p.role = p.role === 'audience' || p.role === 'anchor' ? p.role : 'anchor';
    this._params = p;
    this._recvMode = RECV_MODES.indexOf(Number(p.recvMode)) >= 0 ? Number(p.recvMode)
      : (RECV_MODES.indexOf(Number(this.options.recvMode)) >= 0 ? Number(this.options.recvMode) : 1);
    const a = this._pusherAttrs();
    if (typeof p.enableMic === 'boolean') a.enableMic = p.enableMic;
    if (typeof p.enableCamera === 'boolean') a.enableCamera = p.enableCamera;
    if (p.pureAudioMode) a.enableCamera = false;
    a.url = this._prepareEnter(p, a);
    this._state = 'entering';
    this._connect(false);
    return copy(a);
  }

  exitRoom() {
    if (this._state !== 'idle' && this._sock && this._sock.open) {
      const sock = this._sock;
      this._send({v: PROTOCOL_VERSION, type: 'request', id: ++this._requestId, action: 'leave', data: {}});
      this._sock = null; // closed a moment later, so that the leave goes out first
      setTimeout(() => this._closeSocket(sock, 'leave'), 500);
    }
    this._stopPushing();
    this._leaveLocally();
    this._emit(EVENT.LOCAL_LEAVE, {});
    return {pusher: this.getPusherAttributes(), playerList: []};
  }

  /** Closes the socket, resets room and pusher state (no events). Adapters release their media first. */
  _leaveLocally() {
    for (const timer of this._timers) (timer.once ? clearTimeout : clearInterval)(timer.id);
    if (this._reconnectTimer) clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    const left = () => sdkError(ERROR_CODE.STATE, 'left the room', {left: true});
    for (const pending of this._pending.values()) { clearTimeout(pending.timer); pending.reject(left()); }
    for (const item of this._queue) item.reject(left());
    if (this._sock) { const sock = this._sock; this._sock = null; this._closeSocket(sock, 'leave'); }
    const pusher = this._pusher;
    this._resetRoomState();
    if (pusher) pusher.pusherAttributes = copy(this._pusherInitial);
  }

  /** Lianmai extension: changes role in a `live` room. Resolves when the server agreed. */
  switchRole(role) {
    if (role !== 'anchor' && role !== 'audience') {
      return Promise.reject(sdkError(ERROR_CODE.INVALID_PARAMETER, 'role must be anchor or audience'));
    }
    if (!this._params) return Promise.reject(sdkError(ERROR_CODE.STATE, 'not in a room'));
    return this._request('switchRole', {role: role}).then(() => {
      this._params.role = role;
      return this._roleSwitched(role);
    }, e => {
      this._error(errorData(e, ERROR_CODE.STATE).code, errorData(e).message);
      throw e;
    }).then(() => role);
  }

  _roleSwitched() {}

  /** Lianmai extension: a room-wide custom message (cmdID 1..10, data ≤ 1 KiB). Resolves when sent. */
  sendCustomMessage(cmdID, data) {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    return this._request('message', {cmdID: Number(cmdID), data: text}).then(() => undefined, e => {
      this._emit(EVENT.IM_ERROR, errorData(e, ERROR_CODE.STATE));
      throw e;
    });
  }

  /**
   * TRTC's connectOtherRoom (cross-room PK): `param` is an object or its JSON text with the other room (`roomId`, a
   * number, or `strRoomId`) and the other anchor's `userId`. Both anchors then appear in each other's room as remote
   * users. Emits CONNECT_OTHER_ROOM {userID, errCode, errMsg} (errCode 0 on success) and resolves, or rejects with
   * {code, message}.
   */
  connectOtherRoom(param) {
    let p = param;
    if (typeof p === 'string') { try { p = JSON.parse(p); } catch (e) { p = null; } }
    const userID = p && typeof p === 'object' && typeof p.userId === 'string' ? p.userId : '';
    const data = {userID: userID};
    if (p && typeof p === 'object' && typeof p.strRoomId === 'string' && p.strRoomId !== '') data.strRoomID = p.strRoomId;
    else if (p && typeof p === 'object' && (typeof p.roomId === 'number' || /^[0-9]{1,10}$/.test(String(p.roomId)))) {
      data.roomID = Number(p.roomId);
    }
    const done = (code, message) => this._emit(EVENT.CONNECT_OTHER_ROOM, {userID: userID, errCode: code, errMsg: message});
    if (!userID || (data.roomID === undefined && data.strRoomID === undefined) || (data.roomID !== undefined
        && !Number.isInteger(data.roomID))) {
      const e = sdkError(ERROR_CODE.CONNECT_OTHER_ROOM_INVALID_PARAMETER,
          'connectOtherRoom needs {roomId | strRoomId, userId}');
      done(e.code, e.message);
      return Promise.reject(e);
    }
    return this._request('connectOtherRoom', data).then(() => { done(0, ''); }, e => {
      const error = errorData(e, ERROR_CODE.STATE);
      done(error.code, error.message);
      throw e;
    });
  }

  /** TRTC's disconnectOtherRoom: ends the PK this anchor started. Emits DISCONNECT_OTHER_ROOM {errCode, errMsg}. */
  disconnectOtherRoom() {
    return this._request('disconnectOtherRoom', {}).then(() => {
      this._emit(EVENT.DISCONNECT_OTHER_ROOM, {errCode: 0, errMsg: ''});
    }, e => {
      const error = errorData(e, ERROR_CODE.STATE);
      this._emit(EVENT.DISCONNECT_OTHER_ROOM, {errCode: error.code, errMsg: error.message});
      throw e;
    });
  }

  // ---- signalling -------------------------------------------------------------------------------------------------

  _connect(resuming) {
    const sock = {open: false, socket: null, node: this._nodeUrl};
    this._sock = sock;
    const gone = reason => {
      // The node we were sent to does not answer (it died): the next attempt asks the configured server again.
      if (sock.node && !sock.open && this._nodeUrl === sock.node) this._nodeUrl = null;
      if (this._sock === sock) this._onSocketGone(sock, reason);
    };
    try {
      sock.socket = this._openSocket(this._nodeUrl || this._serverWsUrl(), {
        open: () => {
          if (this._sock !== sock) return;
          sock.open = true;
          this._lastRx = Date.now();
          if (resuming && this._sessionToken) this._resume();
          else this._enter(resuming);
        },
        message: text => { if (this._sock === sock) this._onFrame(text); },
        gone: gone,
      });
    } catch (e) {
      gone('cannot connect: ' + e.message);
    }
  }

  _closeSocket(sock, reason) {
    sock.open = false;
    try { sock.socket.close(1000, reason); } catch (e) { /* already closed */ }
  }

  _enterData() {
    const p = this._params;
    const data = {sdkAppID: p.sdkAppID, userID: p.userID, userSig: p.userSig, scene: p.scene, role: p.role};
    if (p.strRoomID) data.strRoomID = p.strRoomID; else data.roomID = p.roomID;
    if (p.privateMapKey) data.privateMapKey = p.privateMapKey;
    return data;
  }

  _enter(rejoin) {
    this._request('enter', this._enterData(), true).then(data => {
      if (data.moveTo) this._moveTo(data.moveTo, rejoin);
      else this._joined(data, rejoin ? 'fresh' : 'first');
    }, e => {
      if (quiet(e)) return; // socket lost: _onSocketGone handles it
      const error = errorData(e, ERROR_CODE.ENTER_ROOM_FAILED);
      this._log(3, 'enter failed', error.code, error.message);
      this._error(error.code, error.message);
      if (rejoin) this._emit(EVENT.KICKED_OUT, {reason: 'rejoin-failed', message: error.message});
      this._stopPushing();
      this._leaveLocally();
    });
  }

  /** A cluster sends us to the node that serves the room: enter there (docs/cluster.md). */
  _moveTo(url, rejoin) {
    if (++this._moves > 5) {
      const message = 'the cluster sent this client from node to node more than 5 times';
      this._log(3, message);
      this._error(ERROR_CODE.ENTER_ROOM_FAILED, message);
      if (rejoin) this._emit(EVENT.KICKED_OUT, {reason: 'rejoin-failed', message: message});
      this._stopPushing();
      this._leaveLocally();
      return;
    }
    this._log(1, 'the room is served by', url);
    this._nodeUrl = url;
    const sock = this._sock;
    this._sock = null;
    if (sock) this._closeSocket(sock, 'moved');
    this._connect(rejoin);
  }

  _resume(attempt) {
    const tries = attempt || 0;
    const sock = this._sock;
    this._request('resume', {sessionToken: this._sessionToken}, true).then(data => this._joined(data, 'resume'), e => {
      if (quiet(e)) return;
      if (e.code === RESUME_STILL_CONNECTED && tries < RESUME_RETRIES) {
        // The server still hears our old socket (docs/protocol.md, resume): it stops counting as alive after two
        // heartbeat intervals, so ask again after one.
        this._log(1, 'old socket still connected on the server; resuming again shortly');
        this._later(() => { if (this._sock === sock) this._resume(tries + 1); }, this._heartbeatMs || 5000);
        return;
      }
      this._log(2, 'resume refused, entering again:', e.message);
      this._sessionToken = null;
      this._enter(true);
    });
  }

  /** After enter/resume: start timers, reconcile members, flush queued requests. */
  _joined(data, how) {
    const wasReconnecting = this._state === 'reconnecting';
    this._state = 'joined';
    this._sessionToken = data.sessionToken || this._sessionToken;
    this._heartbeatMs = Number(data.heartbeatIntervalMs) > 0 ? Number(data.heartbeatIntervalMs) : 10000;
    // TURN/STUN servers with this member's credentials (server config turn.*); a resume brings fresh ones.
    this._iceServers = Array.isArray(data.iceServers) ? data.iceServers : [];
    this._reconnectStarted = null;
    this._moves = 0;
    this._heartbeatSent = 0;
    this._backoff = 0;
    this._clearIntervals();
    const intervals = [[() => this._heartbeat(), this._heartbeatMs]].concat(this._joinedIntervals());
    for (const entry of intervals) this._timers.push({id: setInterval(entry[0], entry[1]), once: false});
    this._adoptJoin(data, how);
    const queued = this._queue;
    this._queue = [];
    for (const item of queued) this._sendRequest(item);
    if (how === 'first') {
      this._log(1, 'entered room', this._params.strRoomID || this._params.roomID, 'as', this._params.userID);
      this._emit(EVENT.LOCAL_JOIN, {});
      this._emit(EVENT.IM_READY, {});
    } else {
      this._log(1, how === 'resume' ? 'session resumed' : 'entered the room again');
      if (wasReconnecting) this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'connected', how: how});
    }
    this._afterJoin(how);
    this._reconcile(data.members || []);
    this._afterReconcile(how);
  }

  _joinedIntervals() { return []; }
  _adoptJoin() {}
  _afterJoin() {}
  _afterReconcile() {}

  _onSocketGone(sock, reason) {
    if (sock && this._sock !== sock) return;
    this._sock = null;
    if (sock && sock.socket) this._closeSocket(sock, 'gone');
    for (const entry of Array.from(this._pending.entries())) {
      clearTimeout(entry[1].timer);
      entry[1].reject(sdkError(ERROR_CODE.STATE, 'socket lost: ' + reason, {socketLost: true}));
      this._pending.delete(entry[0]);
    }
    if (this._state === 'idle') return;
    if (this._state === 'entering') {
      this._log(3, 'cannot reach the server:', reason);
      this._error(ERROR_CODE.ENTER_ROOM_FAILED, 'cannot reach the server: ' + reason);
      this._stopPushing();
      this._leaveLocally();
      return;
    }
    if (this._state === 'joined') {
      this._state = 'reconnecting';
      this._reconnectStarted = Date.now();
      this._backoff = 0;
      this._clearIntervals();
      this._log(2, 'connection lost, reconnecting:', reason);
      this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'reconnecting', reason: reason});
      this._networkDown();
    }
    if (Date.now() - this._reconnectStarted > this.options.reconnectTimeoutMs) {
      const message = 'connection to the server lost: ' + reason;
      this._error(ERROR_CODE.PUSH_CONNECTION_LOST, message);
      this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'disconnected', reason: reason});
      this._emit(EVENT.KICKED_OUT, {reason: 'network', message: message});
      this._stopPushing();
      this._leaveLocally();
      return;
    }
    const delay = Math.min(8000, 500 * Math.pow(2, this._backoff++)) * (0.8 + Math.random() * 0.4);
    this._reconnectTimer = setTimeout(() => { this._reconnectTimer = null; this._connect(true); }, delay);
  }

  _heartbeat() {
    const sock = this._sock;
    if (!sock || !sock.open) return;
    // Dead socket: a heartbeat sent long ago is still unanswered and nothing else arrived since.
    if (this._heartbeatSent && this._heartbeatSent > this._lastRx && Date.now() - this._heartbeatSent > 3 * this._heartbeatMs) {
      this._log(2, 'server silent; reconnecting');
      this._onSocketGone(sock, 'heartbeat timeout');
      return;
    }
    if (!(this._heartbeatSent > this._lastRx)) this._heartbeatSent = Date.now();
    this._request('heartbeat', {}).catch(() => {});
  }

  _send(frame) {
    this._sock.socket.send(JSON.stringify(frame));
  }

  /** Sends a request; outside of `enter`/`resume`, waits (queued) while the socket is being re-established. */
  _request(action, data, now) {
    return new Promise((resolve, reject) => {
      const item = {action: action, data: data, resolve: resolve, reject: reject};
      const open = !!(this._sock && this._sock.open);
      if ((now || this._state === 'joined') && open) this._sendRequest(item);
      else if (this._state === 'reconnecting' || this._state === 'entering') this._queue.push(item);
      else reject(sdkError(ERROR_CODE.STATE, 'not in a room', {left: true}));
    });
  }

  _sendRequest(item) {
    if (!this._sock || !this._sock.open) { this._queue.push(item); return; }
    const id = ++this._requestId;
    const timer = setTimeout(() => {
      if (this._pending.delete(id)) item.reject(sdkError(ERROR_CODE.STATE, item.action + ' timed out'));
    }, this.options.requestTimeoutMs);
    this._pending.set(id, {resolve: item.resolve, reject: item.reject, timer: timer});
    this._log(0, '->', item.action);
    this._send({v: PROTOCOL_VERSION, type: 'request', id: id, action: item.action, data: item.data});
  }

  _onFrame(text) {
    this._lastRx = Date.now();
    let frame;
    try { frame = JSON.parse(text); } catch (e) { this._log(2, 'bad frame from server'); return; }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'response') {
      const pending = this._pending.get(frame.id);
      if (!pending) return;
      this._pending.delete(frame.id);
      clearTimeout(pending.timer);
      if (frame.ok) pending.resolve(frame.data || {});
      else {
        const error = frame.error || {};
        pending.reject(sdkError(typeof error.code === 'number' ? error.code : -7, error.message || 'request failed'));
      }
    } else if (frame.type === 'event') {
      this._onEvent(frame.event, frame.data || {});
    }
  }

  _onEvent(name, d) {
    this._log(0, '<-', name, d);
    switch (name) {
      case 'userJoin': this._userJoined(d.userID, d.role); break;
      case 'userLeave': this._userLeft(d.userID, d.reason); break;
      case 'userRole': {
        const user = this._users.get(d.userID) || this._userJoined(d.userID, d.role);
        if (user) user.role = d.role;
        this._emit(EVENT.REMOTE_USER_ROLE_UPDATE, {userID: d.userID, role: d.role, userList: this._userList(),
          playerList: this.getPlayerList()});
        break;
      }
      case 'streamAdd':
      case 'streamUpdate':
        this._applyStream(d.userID, d.streamType, {audio: !!d.audio, video: !!d.video, play: d.play});
        break;
      case 'streamRemove': this._applyStream(d.userID, d.streamType, null); break;
      case 'netQuality': this._remoteUplinkReported(d.userID, d.uplink); break;
      case 'layers': if (Array.isArray(d.active)) this._publishedLayers(d.streamType || 'main', d.mid, d.active); break;
      case 'customMessage':
        this._emit(EVENT.IM_MESSAGE_RECEIVED, {userID: d.userID, cmdID: d.cmdID, data: d.data,
          message: {from: d.userID, cmdID: d.cmdID, payload: {data: d.data}}});
        break;
      case 'kicked': {
        const message = d.message || d.reason || 'kicked';
        this._log(2, 'kicked out:', message);
        this._stopPushing();
        this._leaveLocally();
        this._emit(EVENT.KICKED_OUT, {reason: d.reason, message: message});
        break;
      }
      case 'serverShutdown':
        // Not a kick: the server is going away (a restart, a deploy) and its room state with it. Skip the resume
        // that would be refused and enter afresh when it, or another node, answers; the socket's close (1001)
        // starts the usual reconnect with back-off.
        this._log(2, 'server shutting down:', d.message || d.reason);
        this._sessionToken = null;
        // A drained node names the node the room moved to; otherwise the configured server places us again.
        this._nodeUrl = typeof d.moveTo === 'string' ? d.moveTo : null;
        break;
      case 'error': this._log(3, 'server error', d); this._error(typeof d.code === 'number' ? d.code : -7, d.message || 'server error'); break;
      default: this._log(0, 'unknown event', name);
    }
  }

  // ---- remote users and players -----------------------------------------------------------------------------------

  _userJoined(userID, role) {
    if (!userID || (this._params && userID === this._params.userID)) return null;
    let user = this._users.get(userID);
    if (user) { if (role) user.role = role; return user; }
    user = {userID: userID, role: role || 'anchor', hasMainVideo: false, hasMainAudio: false, hasAuxVideo: false};
    this._users.set(userID, user);
    this._emit(EVENT.REMOTE_USER_JOIN, {userID: userID, userList: this._userList(), playerList: this.getPlayerList()});
    return user;
  }

  _userLeft(userID, reason) {
    if (!this._users.has(userID)) return;
    this._applyStream(userID, 'main', null);
    this._applyStream(userID, 'aux', null);
    this._users.delete(userID);
    this._remoteUplink.delete(userID);
    this._emit(EVENT.REMOTE_USER_LEAVE, {userID: userID, reason: reason, userList: this._userList(),
      playerList: this.getPlayerList()});
  }

  _reconcile(members) {
    const here = new Set();
    for (const m of members) {
      if (!m || m.userID === this._params.userID) continue;
      here.add(m.userID);
      this._userJoined(m.userID, m.role);
      const streams = m.streams || {};
      for (const streamType of ['main', 'aux']) {
        const s = streams[streamType];
        this._applyStream(m.userID, streamType, s ? {audio: streamType === 'main' && !!s.audio, video: !!s.video,
          play: s.play} : null);
      }
    }
    for (const userID of Array.from(this._users.keys())) if (!here.has(userID)) this._userLeft(userID, 'leave');
  }

  /** Applies a stream's announced flags (null = unpublished): creates/updates/removes the player, emits events. */
  _applyStream(userID, streamType, flags) {
    if (!userID || (this._params && userID === this._params.userID) || (streamType !== 'main' && streamType !== 'aux')) return;
    const user = this._users.get(userID) || this._userJoined(userID, null);
    if (!user) return;
    const streamID = userID + '_' + streamType;
    const audio = !!(flags && flags.audio) && streamType === 'main';
    const video = !!(flags && flags.video);
    if (streamType === 'main') { user.hasMainAudio = audio; user.hasMainVideo = video; } else user.hasAuxVideo = video;
    let player = this._players.get(streamID);
    const before = player ? {video: player.attrs.hasVideo, audio: player.attrs.hasAudio} : {video: false, audio: false};
    if (!player && (audio || video)) {
      const recv = this._recvMode;
      player = {streamID: streamID, attrs: assign({}, DEFAULT_PLAYER, {userID: userID, streamType: streamType,
        streamID: streamID, id: streamID, objectFit: streamType === 'aux' ? 'contain' : 'fillCrop',
        muteAudio: recv === 3 || recv === 4, muteVideo: recv === 2 || recv === 4, netStatus: {}})};
      this._initPlayer(player, flags);
      this._players.set(streamID, player);
    }
    if (!player) return;
    const changed = this._streamFlags(player, flags);
    player.attrs.hasAudio = audio;
    player.attrs.hasVideo = video;
    if (!audio && !video) {
      this._players.delete(streamID);
      this._playerRemoved(streamID);
    }
    const payload = () => ({player: copy(player.attrs), userList: this._userList(), playerList: this.getPlayerList()});
    if (before.video && !video) this._emit(EVENT.REMOTE_VIDEO_REMOVE, payload());
    if (before.audio && !audio) this._emit(EVENT.REMOTE_AUDIO_REMOVE, payload());
    if (!before.video && video) this._emit(EVENT.REMOTE_VIDEO_ADD, payload());
    if (!before.audio && audio) this._emit(EVENT.REMOTE_AUDIO_ADD, payload());
    this._streamApplied(player, audio || video, changed, payload);
  }

  _initPlayer() {}
  _streamFlags() { return false; }

  // ---- network quality (docs/networks.md, Network quality) --------------------------------------------------------

  /**
   * Sets the pusher's netStatus from the adapter's figures and this member's uplink level, tells the room that level
   * (rate-limited), and emits LOCAL_NET_STATE_UPDATE. The downlink level is the worst of the players' downlinks.
   */
  _localNetState(netStatus, uplink) {
    const a = this._pusherAttrs();
    let downlink = QUALITY.UNKNOWN;
    this._players.forEach(p => { downlink = worseQuality(downlink, p.attrs.netStatus.downlinkNetworkQuality || 0); });
    a.netStatus = assign({}, netStatus, {netQualityLevel: uplink, uplinkNetworkQuality: uplink,
      downlinkNetworkQuality: downlink});
    this._reportUplink(uplink);
    this._emit(EVENT.LOCAL_NET_STATE_UPDATE, {pusher: copy(a)});
  }

  /**
   * Sets a player's netStatus from the adapter's figures and this member's downlink level for that stream: its
   * netQualityLevel is the whole path, the remote user's uplink (as they reported it) and then our downlink, as
   * TRTC's remote quality is. The adapter emits REMOTE_NET_STATE_UPDATE.
   */
  _playerNetState(player, netStatus, downlink) {
    const uplink = this._remoteUplink.get(player.attrs.userID) || QUALITY.UNKNOWN;
    player.attrs.netStatus = assign({}, netStatus, {netQualityLevel: worseQuality(uplink, downlink),
      uplinkNetworkQuality: uplink, downlinkNetworkQuality: downlink});
  }

  /** A publisher's uplink level goes to the room when it changes, and every UPLINK_REPEAT_MS while it does not. */
  _reportUplink(level) {
    if (this._state !== 'joined' || !this._canPublish()) return;
    const now = Date.now();
    const last = this._uplinkSent;
    if (last && now - last.at < (last.level === level ? UPLINK_REPEAT_MS : UPLINK_MIN_GAP_MS)) return;
    this._uplinkSent = {level: level, at: now};
    this._request('netQuality', {uplink: level}).catch(e => this._log(0, 'netQuality', e.message));
  }

  _remoteUplinkReported(userID, uplink) {
    const level = Number(uplink);
    if (!userID || !(level >= QUALITY.UNKNOWN && level <= QUALITY.DOWN)) return;
    this._remoteUplink.set(userID, level);
    this._players.forEach(p => {
      if (p.attrs.userID === userID) this._playerNetState(p, p.attrs.netStatus, p.attrs.netStatus.downlinkNetworkQuality || 0);
    });
  }

  /** The signalling connection is lost: every path is DOWN until the SDK is back in the room and measures again. */
  _networkDown() {
    const down = QUALITY.DOWN;
    if (this._pusher) {
      const a = this._pusher.pusherAttributes;
      a.netStatus = assign({}, a.netStatus, {netQualityLevel: down, uplinkNetworkQuality: down, downlinkNetworkQuality: down});
      this._emit(EVENT.LOCAL_NET_STATE_UPDATE, {pusher: copy(a)});
    }
    if (!this._players.size) return;
    this._players.forEach(p => {
      p.attrs.netStatus = assign({}, p.attrs.netStatus, {netQualityLevel: down, downlinkNetworkQuality: down});
    });
    this._emit(EVENT.REMOTE_NET_STATE_UPDATE, {playerList: this.getPlayerList()});
  }
  _playerRemoved() {}
  _streamApplied() {}

  setPlayerAttributes(streamID, attrs) {
    const player = this._players.get(streamID);
    if (!player) return this.getPlayerList();
    const before = assign({}, player.attrs);
    const rest = assign({}, attrs || {});
    delete rest.userID; delete rest.streamType; delete rest.streamID; delete rest.id; // identity is not settable
    assign(player.attrs, rest);
    this._playerAttributesChanged(streamID, before, player);
    return this.getPlayerList();
  }

  _playerAttributesChanged() {}

  /** Toggles the player's `smallStream` attribute; the adapter says what that changes. */
  switchStreamType(streamID) {
    const player = this._players.get(streamID);
    if (player) {
      player.attrs.smallStream = !player.attrs.smallStream;
      this._streamTypeSwitched(streamID, player);
    }
    return this.getPlayerList();
  }

  _streamTypeSwitched() {}

  /**
   * The server says which simulcast encodings (by rid) of our own `streamType` publication to send: the others no
   * subscriber watches (docs/protocol.md, `layers`). Only an adapter that publishes simulcast acts on it.
   */
  _publishedLayers() {}
}
