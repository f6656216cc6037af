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
//
// Source: the room state machine is the core shared with the web SDK (sdk/core/lianmai-core.js, included below);
// the rest is this adapter (sdk/wx/src/lianmai-wx-adapter.js). sdk/tools/AssembleWxSdk.java joins them into the one
// file a developer copies, lianmai-wx.js.
'use strict';

//#include ../../core/lianmai-core.js

/** RTMP port assumed for the pusher url until the server states its own in `enter` (live.rtmp). */
const DEFAULT_RTMP_PORT = 1935;
/** Delay between telling the page a corrected pusher url and restarting the pusher on it, so the view has it. */
const RESTART_DELAY_MS = 300;
/** How often a player whose live-player gave up (-2301) is asked to play again before it is left alone. */
const MAX_REPLAYS = 3;
/** A player whose signed src expires within this long takes the fresher one a streamUpdate or resume brings. */
const RESIGN_MARGIN_MS = 5 * 60 * 1000;

/** live-pusher bindstatechange codes that end publishing: camera, microphone, encoders, connection lost for good. */
const PUSHER_ERRORS = [-1301, -1302, -1303, -1304, -1305, -1306, -1307, -1308];
/** live-pusher: "handshake with the server done, pushing" (also after an automatic reconnect). */
const PUSHER_PUSHING = 1002;
/** live-player: "network disconnected, reconnecting gave up". */
const PLAYER_GAVE_UP = -2301;
/** live-pusher: "network disconnected, reconnecting"; -1307: "reconnecting gave up". Both leave the uplink DOWN. */
const PUSHER_DISCONNECTED = [1102, -1307];
/** live-player: "network disconnected, reconnecting" (and PLAYER_GAVE_UP): the downlink is DOWN. */
const PLAYER_DISCONNECTED = [2103, PLAYER_GAVE_UP];

/**
 * The quality level (QUALITY) of the path a live-pusher or live-player netstatus `info` describes: WeChat's own
 * netQualityLevel when the base library gives one (the same 0–6 scale), else graded from the throughput shortfall.
 * RTMP runs over TCP, which reports no loss or RTT to the page; a network that cannot carry the stream shows as
 * netSpeed (what went over the network) falling behind videoBitrate + audioBitrate (what the codecs made). netJitter
 * is not used: WeChat gives no unit for it. UNKNOWN while nothing flows.
 */
function wxNetQuality(info) {
  const given = Number(info.netQualityLevel);
  if (given >= QUALITY.EXCELLENT && given <= QUALITY.DOWN) return given;
  const coded = (Number(info.videoBitrate) || 0) + (Number(info.audioBitrate) || 0);
  const speed = Number(info.netSpeed);
  if (!(coded > 0) || !(speed >= 0)) return QUALITY.UNKNOWN;
  return networkQuality({shortfall: Math.max(0, (1 - speed / coded) * 100)});
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

// ---------------------------------------------------------------------------------------------------------------

class TRTC extends TRTCCore {
  /**
   * @param ctx the page or component (any object with setData(obj, callback)); live-player contexts are created in it
   * @param options {serverUrl, rtmpUrl, flvUrl, env, logLevel, recvMode, requestTimeoutMs, reconnectTimeoutMs}
   */
  constructor(ctx, options) {
    super(ctx, options, {}, '[lianmai-wx]');
    this._pusherContext = null;
    this._playerContexts = new Map();
  }

  // ---- state ----------------------------------------------------------------------------------------------------

  _resetMedia() {
    this._server = null;
    this._rtmpBase = null;
    this._flvBase = null;
    this._flags = null;
  }

  // ---- pusher -----------------------------------------------------------------------------------------------------

  _makePusher() {
    const trtc = this;
    const native = (method, options) => callNative(trtc._livePusherContext(), method, options);
    const logged = (method, promise) => { promise.catch(e => trtc._log(2, 'pusher', method, errorData(e).message)); };
    return {
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
  }

  _livePusherContext() {
    if (!this._pusherContext) this._pusherContext = wx.createLivePusherContext();
    return this._pusherContext;
  }

  setPusherAttributes(attrs) {
    const current = this._pusherAttrs();
    const given = attrs || {};
    const before = assign({}, current);
    assign(current, given);
    const changed = key => key in given && given[key] !== before[key];
    if (changed('enableMic') || changed('enableCamera')) this._announceFlags(false);
    return copy(current);
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

  // ---- room -------------------------------------------------------------------------------------------------------

  _validateRoom(params) {
    if (present(params.strRoomID)) {
      // Live stream names carry a numeric room ({sdkAppID}_{roomID}_{userID}_main), and RTMP and FLV are the only
      // media paths a mini program has.
      return [ERROR_CODE.ROOM_ID_INVALID, 'strRoomID is not supported by the mini-program SDK: use a numeric roomID'];
    }
    const invalid = super._validateRoom(params);
    if (invalid) return invalid;
    if (!parseServerUrl(this.options.serverUrl)) {
      return [ERROR_CODE.INVALID_PARAMETER, 'the server address is missing or malformed: '
        + 'new TRTC(page, {serverUrl: "wss://host[:port]"}) (or https://host[:port])'];
    }
    return null;
  }

  _prepareEnter() {
    this._server = parseServerUrl(this.options.serverUrl);
    // Until `enter` answers with the server's own live addresses (live.rtmp, live.flv), the RTMP base is a guess
    // from the server address: the pusher url must exist now, as trtc-wx returns it from enterRoom.
    this._rtmpBase = trimSlash(this.options.rtmpUrl || 'rtmp://' + this._server.host + ':' + DEFAULT_RTMP_PORT + '/live');
    this._flvBase = trimSlash(this.options.flvUrl || this._server.http + '/live');
    return this._canPublish() ? this._pusherUrl() : '';
  }

  _serverWsUrl() { return this._server.ws; }

  /** Stops a started live-pusher: its RTMP stream ends, which withdraws it from the room. */
  _stopPushing() {
    if (!this._started) return;
    this._started = false;
    callNative(this._livePusherContext(), 'stop').catch(e => this._log(2, 'pusher stop', errorData(e).message));
  }

  _roleSwitched(role) {
    const a = this._pusherAttrs();
    if (role === 'audience') {
      this._stopPushing();
      a.url = '';
    } else {
      a.url = this._pusherUrl();
    }
  }

  // ---- signalling -------------------------------------------------------------------------------------------------

  _openSocket(url, handlers) {
    const task = wx.connectSocket({url: url, fail: res => handlers.gone('cannot connect: ' + errorData(res).message)});
    if (!task) throw new Error('wx.connectSocket returned no SocketTask');
    task.onOpen(() => handlers.open());
    task.onMessage(res => handlers.message(res && res.data));
    task.onClose(res => handlers.gone('socket closed (' + (res && res.code) + (res && res.reason ? ' ' + res.reason : '') + ')'));
    task.onError(res => handlers.gone('socket error: ' + errorData(res).message));
    return {
      send: text => task.send({data: text, fail: res => this._log(2, 'send failed', errorData(res).message)}),
      close: (code, reason) => task.close({code: code, reason: reason}),
    };
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

  _adoptJoin(data) { this._urlChanged = this._adoptLive(data.live); }

  _afterJoin() {
    if (!this._urlChanged || !this._started) return;
    // Pages render the pusher on LOCAL_JOIN (the seed does); then push again, to the corrected url.
    const epoch = this._epoch;
    const context = this._livePusherContext();
    callNative(context, 'stop').catch(() => {});
    this._later(() => {
      if (epoch === this._epoch && this._started) callNative(context, 'start').catch(e => this._log(2, 'pusher restart', e));
    }, RESTART_DELAY_MS);
  }

  _afterReconcile(how) {
    if (how !== 'first') this._announceFlags(true, 3); // a mute may have been lost with the old socket
  }

  // ---- remote players ---------------------------------------------------------------------------------------------

  _initPlayer(player, flags) {
    player.replays = 0;
    player.attrs.src = this._flvUrl(player.attrs.userID, player.attrs.streamType, flags.play);
  }

  _streamFlags(player, flags) {
    return this._resign(player, player.attrs.userID, player.attrs.streamType, flags && flags.play);
  }

  _playerRemoved(streamID) { this._playerContexts.delete(streamID); }

  _streamApplied(player, present, resigned, payload) {
    if (resigned && present) {
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
    if (PUSHER_DISCONNECTED.indexOf(code) >= 0) this._localNetState(this._pusherAttrs().netStatus, QUALITY.DOWN);
  }

  /** live-pusher bindnetstatus → LOCAL_NET_STATE_UPDATE {pusher} with netStatus = detail.info and its quality levels. */
  pusherNetStatusHandler(event) {
    const info = (event && event.detail && event.detail.info) || {};
    this._localNetState(info, wxNetQuality(info));
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
    if (PLAYER_DISCONNECTED.indexOf(code) >= 0) {
      this._playerNetState(player, player.attrs.netStatus, QUALITY.DOWN);
      this._emit(EVENT.REMOTE_NET_STATE_UPDATE, {playerList: this.getPlayerList()});
    }
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

  /** live-player bindnetstatus → REMOTE_NET_STATE_UPDATE {playerList} with that player's netStatus and quality. */
  playerNetStatus(event) {
    const player = this._eventPlayer(event);
    if (!player) return;
    const info = (event.detail && event.detail.info) || {};
    this._playerNetState(player, info, wxNetQuality(info));
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
TRTC.QUALITY = QUALITY;
TRTC.parseStreamID = parseStreamID;
TRTC.default = TRTC;

module.exports = TRTC;
