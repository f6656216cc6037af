// Lianmai mini-program SDK: Tencent's trtc-wx state machine, for a self-hosted Lianmai server.
//
// A WeChat mini program reaches a self-hosted server only through <live-pusher> (publishes RTMP) and <live-player>
// (plays RTMP or HTTP-FLV). So this SDK keeps trtc-wx's API and events, but:
//   - the pusher url is Lianmai's RTMP ingest: rtmp://{host}:1935/live/{sdkAppID}_{roomID}_{userID}_main?usersig=…
//   - each remote player's src is Lianmai's HTTP-FLV output: http(s)://{host}/live/{sdkAppID}_{roomID}_{userID}_main.flv
//     signed as Tencent CSS signs it (?txSecret=…&txTime=…): the server hands the query to members with each stream
//   - room events come from the signalling WebSocket /ws (docs/protocol.md v1), opened with wx.connectSocket.
//
//   import TRTC from './lianmai-wx'            // CommonJS; `import` works through the mini-program compiler
//   this.TRTC = new TRTC(this, {serverUrl: 'wss://rtc.example.com'})   // the only addition to a trtc-wx page
//
// Like trtc-wx, the SDK never calls page.setData: every state-changing call returns the new state (pusher attributes
// or the player list) and events carry it; the page renders it. Written in ES2017 without optional chaining or
// object spread so that it runs on every base library, compiled or not. No dependencies.
'use strict';

const VERSION = '1.0.0';
const PROTOCOL_VERSION = 1;
/** RTMP port assumed for the pusher url until the server states its own in `enter` (live.rtmp). */
const DEFAULT_RTMP_PORT = 1935;
/** Delay between telling the page a corrected pusher url and restarting the pusher on it, so the view has it. */
const RESTART_DELAY_MS = 300;
/** How often a player whose live-player gave up (-2301) is asked to play again before it is left alone. */
const MAX_REPLAYS = 3;
/** A player whose signed src expires within this long takes the fresher one a streamUpdate or resume brings. */
const RESIGN_MARGIN_MS = 5 * 60 * 1000;

/** Event names (trtc-wx's, plus CONNECTION_STATE_UPDATE and REMOTE_USER_ROLE_UPDATE, Lianmai extensions). */
const EVENT = Object.freeze({
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
});

/** Error codes the SDK itself produces (server codes are passed through unchanged). */
const ERROR_CODE = Object.freeze({
  CAMERA_FAILED: -1301,
  MIC_FAILED: -1302,
  PUSH_CONNECTION_LOST: -1307,
  INVALID_PARAMETER: -2,
  STATE: -1,
  USERSIG_FAILED: -100018,
  ENTER_ROOM_FAILED: -3301,
  ROOM_ID_INVALID: -3318,
  USER_ID_INVALID: -3319,
});

const DEFAULT_PUSHER = Object.freeze({
  url: '', mode: 'RTC', autopush: false, enableCamera: false, enableMic: false, enableAgc: false, enableAns: false,
  enableEarMonitor: false, enableAutoFocus: true, enableZoom: false, minBitrate: 600, maxBitrate: 900,
  videoWidth: 360, videoHeight: 640, beautyLevel: 0, whitenessLevel: 0, videoOrientation: 'vertical',
  videoAspect: '9:16', frontCamera: 'front', enableRemoteMirror: false, localMirror: 'auto',
  enableBackgroundMute: false, audioQuality: 'high', audioVolumeType: 'voicecall', audioReverbType: 0,
  waitingImage: '', beautyStyle: 'smooth', filter: '', netStatus: {},
});

const DEFAULT_PLAYER = Object.freeze({
  src: '', hasVideo: false, hasAudio: false, volume: 0, mode: 'RTC', autoplay: true, muteAudio: false,
  muteVideo: false, orientation: 'vertical', objectFit: 'fillCrop', enableBackgroundMute: false, minCache: 1,
  maxCache: 2, soundMode: 'speaker', enableRecvMessage: false, autoPauseIfNavigate: true,
  autoPauseIfOpenNative: true, isVisible: true, netStatus: {},
});

/** live-pusher bindstatechange codes that end publishing: camera, microphone, encoders, connection lost for good. */
const PUSHER_ERRORS = [-1301, -1302, -1303, -1304, -1305, -1306, -1307, -1308];
/** live-pusher: "handshake with the server done, pushing" (also after an automatic reconnect). */
const PUSHER_PUSHING = 1002;
/** live-player: "network disconnected, reconnecting gave up". */
const PLAYER_GAVE_UP = -2301;

const CHINESE = /[\u3400-\u9fff\uf900-\ufaff]/;

const assign = Object.assign;
const copy = attrs => assign({}, attrs, {netStatus: assign({}, attrs.netStatus || {})});
const sdkError = (code, message, extra) => assign(new Error(message), {code: code}, extra);
/** Errors that only say "the room session this work belonged to is over": never reported as ERROR. */
const quiet = error => !!(error && (error.left || error.socketLost));
/** The server's answer to a resume while it still hears the member's old socket (docs/protocol.md). */
const RESUME_STILL_CONNECTED = -1202;
/** Resumes tried, one heartbeat interval apart, before entering again: the old socket is gone well before. */
const RESUME_RETRIES = 4;
const errorData = (error, fallbackCode) => ({
  code: error && typeof error.code === 'number' ? error.code : fallbackCode,
  message: String((error && (error.message || error.errMsg)) || error),
});
const present = value => value !== undefined && value !== null && value !== '';

/** Splits "{userID}_{streamType}" at the last underscore. */
function parseStreamID(streamID) {
  const text = String(streamID);
  const at = text.lastIndexOf('_');
  return at < 0 ? {userID: text, streamType: 'main'} : {userID: text.slice(0, at), streamType: text.slice(at + 1)};
}

/** The host of "host[:port]" (an IPv6 literal keeps its brackets). Mini programs have no URL class. */
function hostOf(authority) {
  if (authority.charAt(0) === '[') return authority.slice(0, authority.indexOf(']') + 1) || authority;
  const colon = authority.indexOf(':');
  return colon < 0 || colon !== authority.lastIndexOf(':') ? authority : authority.slice(0, colon);
}

/**
 * Reads the server address an app gives: https://host[:port] or wss://host[:port] (signalling at /ws), or a full
 * ws(s)://…/path. Returns {ws, http, host} or null.
 */
function parseServerUrl(text) {
  const match = /^(wss?|https?):\/\/([^/?#\s]+)([^?#\s]*)(\?[^#\s]*)?/i.exec(String(text || '').trim());
  if (!match) return null;
  const secure = /^(wss|https)$/i.test(match[1]);
  const authority = match[2];
  const path = !match[3] || match[3] === '/' ? '/ws' : match[3];
  return {
    ws: (secure ? 'wss://' : 'ws://') + authority + path + (match[4] || ''),
    http: (secure ? 'https://' : 'http://') + authority,
    host: hostOf(authority),
  };
}

const trimSlash = text => String(text).replace(/\/+$/, '');

/**
 * Calls a method of a native context (LivePusherContext, LivePlayerContext) with trtc-wx's {success, fail}
 * options, and also returns a Promise of the outcome.
 */
function callNative(context, method, options) {
  return new Promise((resolve, reject) => {
    if (!context || typeof context[method] !== 'function') {
      reject(sdkError(ERROR_CODE.STATE, method + ' is not available on this base library'));
      return;
    }
    const given = options || {};
    const call = assign({}, given, {
      success: res => { if (typeof given.success === 'function') given.success(res); resolve(res); },
      fail: err => { if (typeof given.fail === 'function') given.fail(err); reject(err); },
    });
    try {
      context[method](call);
    } catch (e) {
      reject(e);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------

class TRTC {
  /**
   * @param ctx the page or component (any object with setData(obj, callback)); live-player contexts are created in it
   * @param options {serverUrl, rtmpUrl, flvUrl, env, logLevel, recvMode, requestTimeoutMs, reconnectTimeoutMs}
   */
  constructor(ctx, options) {
    this.ctx = ctx;
    this.options = assign({requestTimeoutMs: 10000, reconnectTimeoutMs: 60000}, options || {});
    this.EVENT = EVENT;
    this.ERROR_CODE = ERROR_CODE;
    this._logLevel = typeof this.options.logLevel === 'number' ? this.options.logLevel : 1;
    this._handlers = new Map();
    this._pusherInitial = copy(DEFAULT_PUSHER);
    this._pusher = null;
    this._pusherContext = null;
    this._playerContexts = new Map();
    this._epoch = 0;
    this._resetRoomState();
  }

  // ---- logging and events -----------------------------------------------------------------------------------

  setLogLevel(level) { this._logLevel = Number(level) || 0; }

  _log(level) {
    if (this.options.env === 'test' || level < this._logLevel || typeof console === 'undefined') return;
    const args = Array.prototype.slice.call(arguments, 1);
    const method = console[['log', 'info', 'warn', 'error'][level]] || console.log;
    method.apply(console, ['[lianmai-wx]'].concat(args));
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
    this._epoch++;
    this._state = 'idle'; // idle | entering | joined | reconnecting
    this._params = null;
    this._server = null;
    this._rtmpBase = null;
    this._flvBase = null;
    this._sock = null;
    this._requestId = 0;
    this._pending = new Map();
    this._queue = [];
    this._sessionToken = null;
    this._heartbeatMs = 10000;
    this._timers = [];
    this._users = new Map();
    this._players = new Map();
    this._started = false;
    this._flags = null;
    this._recvMode = 1;
  }

  _userList() {
    return Array.from(this._users.values()).map(u => ({userID: u.userID, role: u.role, hasMainVideo: u.hasMainVideo,
      hasMainAudio: u.hasMainAudio, hasAuxVideo: u.hasAuxVideo}));
  }

  getPlayerList() { return Array.from(this._players.values()).map(p => copy(p.attrs)); }

  // ---- pusher -----------------------------------------------------------------------------------------------------

  createPusher(attrs) {
    this._pusherInitial = assign({}, DEFAULT_PUSHER, attrs || {}, {netStatus: {}});
    const trtc = this;
    const native = (method, options) => callNative(trtc._livePusherContext(), method, options);
    const logged = (method, promise) => { promise.catch(e => trtc._log(2, 'pusher', method, errorData(e).message)); };
    const pusher = {
      pusherAttributes: copy(this._pusherInitial),
      /** Starts pushing to `url` (the page must have rendered it). */
      start(options) { trtc._started = true; logged('start', native('start', options)); return copy(this.pusherAttributes); },
      stop(options) { trtc._started = false; logged('stop', native('stop', options)); return copy(this.pusherAttributes); },
      pause(options) { logged('pause', native('pause', options)); return copy(this.pusherAttributes); },
      resume(options) { logged('resume', native('resume', options)); return copy(this.pusherAttributes); },
      switchCamera(frontCamera) {
        const options = typeof frontCamera === 'object' && frontCamera ? frontCamera : {};
        this.pusherAttributes.frontCamera = frontCamera === 'front' || frontCamera === 'back' ? frontCamera
          : (this.pusherAttributes.frontCamera === 'front' ? 'back' : 'front');
        logged('switchCamera', native('switchCamera', options));
        return copy(this.pusherAttributes);
      },
      startPreview(options) { logged('startPreview', native('startPreview', options)); return copy(this.pusherAttributes); },
      stopPreview(options) { logged('stopPreview', native('stopPreview', options)); return copy(this.pusherAttributes); },
      /** Resolves with {tempImagePath, width, height}. */
      snapshot(options) {
        const given = typeof options === 'string' ? {quality: options} : (options || {});
        return native('snapshot', given);
      },
      /** An SEI message in the pushed stream (live-pusher's sendMessage). */
      sendMessage(options) { return native('sendMessage', typeof options === 'string' ? {msg: options} : options); },
      toggleTorch(options) { return native('toggleTorch', options); },
      playBGM(options) { return native('playBGM', options); },
      pauseBGM(options) { return native('pauseBGM', options); },
      resumeBGM(options) { return native('resumeBGM', options); },
      stopBGM(options) { return native('stopBGM', options); },
      setBGMVolume(options) { return native('setBGMVolume', options); },
      setMICVolume(options) { return native('setMICVolume', options); },
    };
    this._pusher = pusher;
    return pusher;
  }

  _livePusherContext() {
    if (!this._pusherContext) this._pusherContext = wx.createLivePusherContext();
    return this._pusherContext;
  }

  getPusherInstance() { return this._pusher || this.createPusher(); }

  _pusherAttrs() { return this.getPusherInstance().pusherAttributes; }

  getPusherAttributes() { return copy(this._pusherAttrs()); }

  setPusherAttributes(attrs) {
    const current = this._pusherAttrs();
    const given = attrs || {};
    const before = assign({}, current);
    assign(current, given);
    const changed = key => key in given && given[key] !== before[key];
    if (changed('enableMic') || changed('enableCamera')) this._announceFlags(false);
    return copy(current);
  }

  _canPublish() {
    const p = this._params;
    return !!p && !(p.scene === 'live' && p.role === 'audience');
  }

  /** rtmp://…/live/{sdkAppID}_{roomID}_{userID}_main?usersig=…: the server authenticates the publish by it. */
  _pusherUrl() {
    const p = this._params;
    let url = this._rtmpBase + '/' + this._streamName(p.userID, 'main') + '?usersig=' + encodeURIComponent(p.userSig);
    if (p.privateMapKey) url += '&privatemapkey=' + encodeURIComponent(p.privateMapKey);
    return url;
  }

  /** The CDN stream name: {sdkAppID}_{roomID}_{userID}_{main|aux}. */
  _streamName(userID, streamType) {
    return this._params.sdkAppID + '_' + this._params.roomID + '_' + encodeURIComponent(userID) + '_' + streamType;
  }

  /** The stream's FLV url, with the signed query (`play`) the server gave for it, if any. */
  _flvUrl(userID, streamType, play) {
    return this._flvBase + '/' + this._streamName(userID, streamType) + '.flv' + (play ? '?' + play : '');
  }

  /**
   * Tells the room the pusher's camera and microphone state with `mute` (the RTMP stream itself cannot say that a
   * muted microphone is off). The server refuses it with -1 until it has linked the RTMP stream to this member, so
   * it is sent on each toggle and again, with `retries` second tries, when the pusher reports that it pushes (1002)
   * and after a reconnect.
   */
  _announceFlags(force, retries) {
    if (this._state !== 'joined' || !this._canPublish() || !this._started) return;
    const a = this._pusherAttrs();
    const flags = {audio: !!a.enableMic, video: !!a.enableCamera && !this._params.pureAudioMode};
    if (!force && this._flags && this._flags.audio === flags.audio && this._flags.video === flags.video) return;
    const epoch = this._epoch;
    this._request('mute', {streamType: 'main', audio: flags.audio, video: flags.video}).then(() => {
      if (epoch === this._epoch) this._flags = flags;
    }, e => {
      if (quiet(e) || epoch !== this._epoch) return;
      this._log(0, 'mute not applied yet:', e.message);
      if (e.code === ERROR_CODE.STATE && retries > 0) {
        this._later(() => { if (epoch === this._epoch) this._announceFlags(true, retries - 1); }, 1000);
      }
    });
  }

  _later(fn, ms) {
    const timer = setTimeout(() => {
      this._timers = this._timers.filter(t => t.id !== timer);
      fn();
    }, ms);
    this._timers.push({id: timer, once: true});
  }

  // ---- room -------------------------------------------------------------------------------------------------------

  _validate(params) {
    const sdkAppID = params.sdkAppID, userID = params.userID, userSig = params.userSig;
    if (!sdkAppID || !(Number(sdkAppID) > 0)) return [ERROR_CODE.INVALID_PARAMETER, 'sdkAppID is required'];
    if (!userID || typeof userID !== 'string') return [ERROR_CODE.USER_ID_INVALID, 'userID is required'];
    if (CHINESE.test(userID)) return [ERROR_CODE.USER_ID_INVALID, 'userID must not contain Chinese characters'];
    if (!userSig) return [ERROR_CODE.USERSIG_FAILED, 'userSig is required'];
    if (present(params.strRoomID)) {
      // Live stream names carry a numeric room ({sdkAppID}_{roomID}_{userID}_main), and RTMP and FLV are the only
      // media paths a mini program has.
      return [ERROR_CODE.ROOM_ID_INVALID, 'strRoomID is not supported by the mini-program SDK: use a numeric roomID'];
    }
    const room = Number(params.roomID);
    if (!Number.isInteger(room) || room < 1 || room > 4294967295) {
      return [ERROR_CODE.ROOM_ID_INVALID, 'roomID must be an integer in 1..4294967295'];
    }
    if (!parseServerUrl(this.options.serverUrl)) {
      return [ERROR_CODE.INVALID_PARAMETER, 'the server address is missing or malformed: '
        + 'new TRTC(page, {serverUrl: "wss://host[:port]"}) (or https://host[:port])'];
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
    const p = assign({}, given, {sdkAppID: Number(given.sdkAppID), roomID: Number(given.roomID),
      scene: given.scene === 'live' ? 'live' : 'rtc'});
    p.role = p.role === 'audience' || p.role === 'anchor' ? p.role : 'anchor';
    delete p.strRoomID;
    this._params = p;
    this._server = parseServerUrl(this.options.serverUrl);
    // Until `enter` answers with the server's own live addresses (live.rtmp, live.flv), the RTMP base is a guess
    // from the server address: the pusher url must exist now, as trtc-wx returns it from enterRoom.
    this._rtmpBase = trimSlash(this.options.rtmpUrl || 'rtmp://' + this._server.host + ':' + DEFAULT_RTMP_PORT + '/live');
    this._flvBase = trimSlash(this.options.flvUrl || this._server.http + '/live');
    const recv = [1, 2, 3, 4];
    this._recvMode = recv.indexOf(Number(p.recvMode)) >= 0 ? Number(p.recvMode)
      : (recv.indexOf(Number(this.options.recvMode)) >= 0 ? Number(this.options.recvMode) : 1);
    const a = this._pusherAttrs();
    if (typeof p.enableMic === 'boolean') a.enableMic = p.enableMic;
    if (typeof p.enableCamera === 'boolean') a.enableCamera = p.enableCamera;
    if (p.pureAudioMode) a.enableCamera = false;
    a.url = this._canPublish() ? this._pusherUrl() : '';
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

  /** Stops a started live-pusher: its RTMP stream ends, which withdraws it from the room. */
  _stopPushing() {
    if (!this._started) return;
    this._started = false;
    callNative(this._livePusherContext(), 'stop').catch(e => this._log(2, 'pusher stop', errorData(e).message));
  }

  /** Closes the socket, resets room and pusher state (no events). */
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
      const a = this._pusherAttrs();
      if (role === 'audience') {
        this._stopPushing();
        a.url = '';
      } else {
        a.url = this._pusherUrl();
      }
      return role;
    }, e => {
      this._error(errorData(e, ERROR_CODE.STATE).code, errorData(e).message);
      throw e;
    });
  }

  /** Lianmai extension: a room-wide custom message (cmdID 1..10, data ≤ 1 KiB). Resolves when sent. */
  sendCustomMessage(cmdID, data) {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    return this._request('message', {cmdID: Number(cmdID), data: text}).then(() => undefined, e => {
      this._emit(EVENT.IM_ERROR, errorData(e, ERROR_CODE.STATE));
      throw e;
    });
  }

  // ---- signalling -------------------------------------------------------------------------------------------------

  _connect(resuming) {
    const sock = {task: null, open: false};
    this._sock = sock;
    const gone = reason => { if (this._sock === sock) this._onSocketGone(sock, reason); };
    try {
      sock.task = wx.connectSocket({url: this._server.ws, fail: res => gone('cannot connect: ' + errorData(res).message)});
    } catch (e) {
      gone('cannot connect: ' + e.message);
      return;
    }
    if (!sock.task) { gone('wx.connectSocket returned no SocketTask'); return; }
    sock.task.onOpen(() => {
      if (this._sock !== sock) return;
      sock.open = true;
      this._lastRx = Date.now();
      if (resuming && this._sessionToken) this._resume();
      else this._enter(resuming);
    });
    sock.task.onMessage(res => { if (this._sock === sock) this._onFrame(res && res.data); });
    sock.task.onClose(res => gone('socket closed (' + (res && res.code) + (res && res.reason ? ' ' + res.reason : '') + ')'));
    sock.task.onError(res => gone('socket error: ' + errorData(res).message));
  }

  _closeSocket(sock, reason) {
    sock.open = false;
    try { sock.task.close({code: 1000, reason: reason}); } catch (e) { /* already closed */ }
  }

  _enterData() {
    const p = this._params;
    const data = {sdkAppID: p.sdkAppID, userID: p.userID, userSig: p.userSig, roomID: p.roomID, scene: p.scene,
      role: p.role};
    if (p.privateMapKey) data.privateMapKey = p.privateMapKey;
    return data;
  }

  _enter(rejoin) {
    this._request('enter', this._enterData(), true).then(data => this._joined(data, rejoin ? 'fresh' : 'first'), e => {
      if (quiet(e)) return; // socket lost: _onSocketGone handles it
      const error = errorData(e, ERROR_CODE.ENTER_ROOM_FAILED);
      this._log(3, 'enter failed', error.code, error.message);
      this._error(error.code, error.message);
      if (rejoin) this._emit(EVENT.KICKED_OUT, {reason: 'rejoin-failed', message: error.message});
      this._stopPushing();
      this._leaveLocally();
    });
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

  /** Takes the server's live addresses; corrects the pusher url if the guess from serverUrl was wrong. */
  _adoptLive(live) {
    if (!live) return false; // a server before protocol.md's `live`: keep the guesses
    if (!this.options.flvUrl && live.flv) this._flvBase = trimSlash(live.flv);
    if (!this.options.rtmpUrl && live.rtmp) this._rtmpBase = trimSlash(live.rtmp);
    if (live.rtmp === null && this._canPublish()) {
      this._log(3, 'the server has RTMP turned off: this member cannot publish');
      this._error(ERROR_CODE.PUSH_CONNECTION_LOST, 'the server has RTMP turned off (rtmp.port -1): cannot publish');
    }
    if (!this._canPublish()) return false;
    const a = this._pusherAttrs();
    const url = this._pusherUrl();
    if (a.url === url) return false;
    this._log(1, 'pusher url corrected by the server to', this._rtmpBase);
    a.url = url;
    return true;
  }

  /** After enter/resume: start timers, reconcile members, flush queued requests. */
  _joined(data, how) {
    const wasReconnecting = this._state === 'reconnecting';
    this._state = 'joined';
    this._sessionToken = data.sessionToken || this._sessionToken;
    this._heartbeatMs = Number(data.heartbeatIntervalMs) > 0 ? Number(data.heartbeatIntervalMs) : 10000;
    this._reconnectStarted = null;
    this._heartbeatSent = 0;
    this._backoff = 0;
    for (const timer of this._timers) if (!timer.once) clearInterval(timer.id);
    this._timers = this._timers.filter(timer => timer.once);
    this._timers.push({id: setInterval(() => this._heartbeat(), this._heartbeatMs), once: false});
    const urlChanged = this._adoptLive(data.live);
    const queued = this._queue;
    this._queue = [];
    for (const item of queued) this._sendRequest(item);
    if (how === 'first') {
      this._log(1, 'entered room', this._params.roomID, 'as', this._params.userID);
      this._emit(EVENT.LOCAL_JOIN, {});
      this._emit(EVENT.IM_READY, {});
    } else {
      this._log(1, how === 'resume' ? 'session resumed' : 'entered the room again');
      if (wasReconnecting) this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'connected', how: how});
    }
    if (urlChanged && this._started) {
      // Pages render the pusher on LOCAL_JOIN (the seed does); then push again, to the corrected url.
      const epoch = this._epoch;
      const context = this._livePusherContext();
      callNative(context, 'stop').catch(() => {});
      this._later(() => {
        if (epoch === this._epoch && this._started) callNative(context, 'start').catch(e => this._log(2, 'pusher restart', e));
      }, RESTART_DELAY_MS);
    }
    this._reconcile(data.members || []);
    if (how !== 'first') this._announceFlags(true, 3); // a mute may have been lost with the old socket
  }

  _onSocketGone(sock, reason) {
    if (sock && this._sock !== sock) return;
    this._sock = null;
    if (sock) this._closeSocket(sock, 'gone');
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
      for (const timer of this._timers) if (!timer.once) clearInterval(timer.id);
      this._timers = this._timers.filter(timer => timer.once);
      this._log(2, 'connection lost, reconnecting:', reason);
      this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'reconnecting', reason: reason});
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
    this._sock.task.send({data: JSON.stringify(frame), fail: res => this._log(2, 'send failed', errorData(res).message)});
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
      player = {streamID: streamID, replays: 0, attrs: assign({}, DEFAULT_PLAYER, {userID: userID, streamType: streamType,
        streamID: streamID, id: streamID, src: this._flvUrl(userID, streamType, flags.play),
        objectFit: streamType === 'aux' ? 'contain' : 'fillCrop',
        muteAudio: recv === 3 || recv === 4, muteVideo: recv === 2 || recv === 4, netStatus: {}})};
      this._players.set(streamID, player);
    }
    if (!player) return;
    const resigned = this._resign(player, userID, streamType, flags && flags.play);
    player.attrs.hasAudio = audio;
    player.attrs.hasVideo = video;
    if (!audio && !video) {
      this._players.delete(streamID);
      this._playerContexts.delete(streamID);
    }
    const payload = () => ({player: copy(player.attrs), userList: this._userList(), playerList: this.getPlayerList()});
    if (before.video && !video) this._emit(EVENT.REMOTE_VIDEO_REMOVE, payload());
    if (before.audio && !audio) this._emit(EVENT.REMOTE_AUDIO_REMOVE, payload());
    if (!before.video && video) this._emit(EVENT.REMOTE_VIDEO_ADD, payload());
    if (!before.audio && audio) this._emit(EVENT.REMOTE_AUDIO_ADD, payload());
    if (resigned && (audio || video)) {
      this._emit(EVENT.REMOTE_STATE_UPDATE, assign(payload(), {code: 0, message: 'src re-signed'}));
    }
  }

  /**
   * Gives a player the fresh signed query of a later streamUpdate/resume when its own is missing or about to expire
   * (a playing live-player is not restarted for nothing). Returns whether the src changed.
   */
  _resign(player, userID, streamType, play) {
    if (!play) return false;
    const current = /[?&]txTime=([0-9A-Fa-f]{1,16})/.exec(player.attrs.src);
    if (current && parseInt(current[1], 16) * 1000 > Date.now() + RESIGN_MARGIN_MS) return false;
    const src = this._flvUrl(userID, streamType, play);
    if (src === player.attrs.src) return false;
    player.attrs.src = src;
    return true;
  }

  setPlayerAttributes(streamID, attrs) {
    const player = this._players.get(streamID);
    if (!player) return this.getPlayerList();
    const rest = assign({}, attrs || {});
    delete rest.userID; delete rest.streamType; delete rest.streamID; delete rest.id; // identity is not settable
    assign(player.attrs, rest);
    return this.getPlayerList();
  }

  /** HTTP-FLV has one rendition: the `smallStream` attribute is kept for symmetry with the web SDK, nothing changes. */
  switchStreamType(streamID) {
    const player = this._players.get(streamID);
    if (player) player.attrs.smallStream = !player.attrs.smallStream;
    return this.getPlayerList();
  }

  _livePlayerContext(streamID) {
    let context = this._playerContexts.get(streamID);
    if (!context) {
      context = wx.createLivePlayerContext(streamID, this.ctx);
      this._playerContexts.set(streamID, context);
    }
    return context;
  }

  /** The <live-player id="{streamID}">'s controls; each returns a Promise and also calls success/fail. */
  getPlayerInstance(streamID) {
    const trtc = this;
    const native = (method, options) => callNative(trtc._livePlayerContext(streamID), method, options);
    return {
      streamID: streamID,
      play(options) { return native('play', options); },
      stop(options) { return native('stop', options); },
      mute(options) { return native('mute', options); },
      pause(options) { return native('pause', options); },
      resume(options) { return native('resume', options); },
      requestFullScreen(options) { return native('requestFullScreen', options); },
      exitFullScreen(options) { return native('exitFullScreen', options); },
      requestExitFullScreen(options) { return native('exitFullScreen', options); },
      snapshot(options) { return native('snapshot', typeof options === 'string' ? {quality: options} : options); },
    };
  }

  // ---- trtc-wx's element event forwarders: bind the page's live-pusher/live-player events to these ------------

  /** live-pusher bindstatechange: camera/mic/connection errors become ERROR; "pushing" re-announces mic/camera. */
  pusherEventHandler(event) {
    const detail = (event && event.detail) || {};
    const code = Number(detail.code);
    this._log(0, 'pusher state', code, detail.message);
    if (code === PUSHER_PUSHING) {
      this._started = true; // also when the page used autopush instead of start()
      this._announceFlags(true, 3);
    }
    else if (PUSHER_ERRORS.indexOf(code) >= 0) this._error(code, detail.message || 'live-pusher error ' + code);
  }

  /** live-pusher bindnetstatus → LOCAL_NET_STATE_UPDATE {pusher} with netStatus = detail.info. */
  pusherNetStatusHandler(event) {
    const a = this._pusherAttrs();
    a.netStatus = assign({}, (event && event.detail && event.detail.info) || {});
    this._emit(EVENT.LOCAL_NET_STATE_UPDATE, {pusher: copy(a)});
  }

  /** live-pusher binderror (permissions, BGM, waiting image) → ERROR {code: errCode, message: errMsg}. */
  pusherErrorHandler(event) {
    const detail = (event && event.detail) || {};
    this._error(Number(detail.errCode) || ERROR_CODE.STATE, detail.errMsg || 'live-pusher error');
  }

  pusherBGMStartHandler() { this._emit(EVENT.BGM_PLAY_START, {}); }

  pusherBGMProgressHandler(event) {
    const detail = (event && event.detail) || {};
    this._emit(EVENT.BGM_PLAY_PROGRESS, {progress: detail.progress, duration: detail.duration});
  }

  pusherBGMCompleteHandler() { this._emit(EVENT.BGM_PLAY_COMPLETE, {}); }

  /** live-pusher bindaudiovolumenotify → LOCAL_AUDIO_VOLUME_UPDATE {pusher} with volume. */
  pusherAudioVolumeNotify(event) {
    const a = this._pusherAttrs();
    a.volume = Number(event && event.detail && event.detail.volume) || 0;
    this._emit(EVENT.LOCAL_AUDIO_VOLUME_UPDATE, {pusher: copy(a)});
  }

  /** The player an element event came from: data-streamid (as the seed's template sets) or the element id. */
  _eventPlayer(event) {
    const target = (event && (event.currentTarget || event.target)) || {};
    const streamID = (target.dataset && target.dataset.streamid) || target.id;
    return streamID ? this._players.get(streamID) || null : null;
  }

  /** live-player bindstatechange → REMOTE_STATE_UPDATE; negative codes also PLAYER_WARNING. */
  playerEventHandler(event) {
    const player = this._eventPlayer(event);
    const detail = (event && event.detail) || {};
    const code = Number(detail.code);
    if (!player) return;
    const message = detail.message || '';
    if (code === 2004) player.replays = 0;
    this._emit(EVENT.REMOTE_STATE_UPDATE, {player: copy(player.attrs), code: code, message: message,
      playerList: this.getPlayerList()});
    if (code < 0) {
      this._emit(EVENT.PLAYER_WARNING, {streamID: player.streamID, code: code, message: message});
      if (code === PLAYER_GAVE_UP && player.replays < MAX_REPLAYS) {
        // The FLV may not have been live yet (publisher still connecting): ask once more while the stream is announced.
        player.replays++;
        const epoch = this._epoch;
        this._later(() => {
          if (epoch === this._epoch && this._players.get(player.streamID) === player) {
            this.getPlayerInstance(player.streamID).play().catch(() => {});
          }
        }, 1000 * player.replays);
      }
    }
  }

  playerFullscreenChange(event) {
    const player = this._eventPlayer(event);
    const detail = (event && event.detail) || {};
    this._emit(EVENT.VIDEO_FULLSCREEN_UPDATE, {streamID: player ? player.streamID : undefined,
      fullScreen: !!detail.fullScreen, direction: detail.direction});
  }

  /** live-player bindnetstatus → REMOTE_NET_STATE_UPDATE {playerList} with that player's netStatus. */
  playerNetStatus(event) {
    const player = this._eventPlayer(event);
    if (!player) return;
    player.attrs.netStatus = assign({}, (event.detail && event.detail.info) || {});
    this._emit(EVENT.REMOTE_NET_STATE_UPDATE, {playerList: this.getPlayerList()});
  }

  /** live-player bindaudiovolumenotify → REMOTE_AUDIO_VOLUME_UPDATE {playerList} with that player's volume. */
  playerAudioVolumeNotify(event) {
    const player = this._eventPlayer(event);
    if (!player) return;
    player.attrs.volume = Number(event.detail && event.detail.volume) || 0;
    this._emit(EVENT.REMOTE_AUDIO_VOLUME_UPDATE, {playerList: this.getPlayerList()});
  }
}

TRTC.EVENT = EVENT;
TRTC.ERROR_CODE = ERROR_CODE;
TRTC.VERSION = VERSION;
TRTC.parseStreamID = parseStreamID;
TRTC.default = TRTC;

module.exports = TRTC;
