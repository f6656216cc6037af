// Lianmai web SDK: a trtc-wx-shaped state machine that drives WebRTC against a Lianmai server.
// Plain ES module, no dependencies. Signalling: docs/protocol.md (v1, WebSocket `/ws`).
//
//   import TRTC from '/sdk/lianmai-web.js'
//   const trtc = new TRTC(page)                 // page: any object with setData(obj, cb)
//   const pusher = trtc.createPusher({beautyLevel: 9})
//   page.setData({pusher: trtc.enterRoom({sdkAppID, userID, userSig, roomID})}, () => trtc.getPusherInstance().start())
//
// The SDK never calls page.setData itself: like trtc-wx, every state-changing call returns the new state and
// events carry it; the page renders it (the <live-pusher>/<live-player> elements defined below show the media).

export const VERSION = '1.0.0';
const PROTOCOL_VERSION = 1;

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

const CHINESE = /[\u3400-\u9fff\uf900-\ufaff]/;
const instances = new Map();
let nextInstanceId = 1;
let lastInstance = null;

const copy = attrs => ({...attrs, netStatus: {...(attrs.netStatus || {})}});
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const sdkError = (code, message, extra) => Object.assign(new Error(message), {code}, extra);
/** Errors that only say "the room session this work belonged to is over": never reported as ERROR. */
const quiet = error => !!(error && (error.left || error.socketLost));
/** The server's answer to a resume while it still hears the member's old socket (docs/protocol.md). */
const RESUME_STILL_CONNECTED = -1202;
/** Resumes tried, one heartbeat interval apart, before entering again: the old socket is gone well before. */
const RESUME_RETRIES = 4;
const errorData = (error, fallbackCode) => ({
  code: typeof error?.code === 'number' ? error.code : fallbackCode,
  message: String(error?.message || error),
});

/** Splits "{userID}_{streamType}" at the last underscore. */
export function parseStreamID(streamID) {
  const at = String(streamID).lastIndexOf('_');
  return at < 0 ? {userID: String(streamID), streamType: 'main'}
    : {userID: streamID.slice(0, at), streamType: streamID.slice(at + 1)};
}

/** Resolves when ICE gathering is complete: the server is ICE-lite and takes complete offers (no trickle). */
function gatheringComplete(pc, timeoutMs = 5000) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise(resolve => {
    const timer = setTimeout(resolve, timeoutMs);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(timer); resolve(); }
    });
  });
}

/** Draws the current frame of a video track to a JPEG data URL. */
async function snapshotTrack(track) {
  if (!track || track.readyState !== 'live') throw sdkError(ERROR_CODE.STATE, 'no live video to snapshot');
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  await video.play().catch(() => {});
  if (video.readyState < 2) await new Promise(resolve => { video.onloadeddata = resolve; setTimeout(resolve, 1000); });
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth || 1;
  canvas.height = video.videoHeight || 1;
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  video.srcObject = null;
  return {tempImagePath: canvas.toDataURL('image/jpeg', 0.9), width: canvas.width, height: canvas.height};
}

// ---------------------------------------------------------------------------------------------------------------
// Beauty: camera track -> <video> -> canvas (soft-focus blend + brightening) -> canvas.captureStream() track.

class BeautyFilter {
  constructor(sourceTrack, fps = 30) {
    this.source = sourceTrack;
    this.level = 0;
    this.whiteness = 0;
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = new MediaStream([sourceTrack]);
    this.video.play().catch(() => {});
    this.canvas = document.createElement('canvas');
    const settings = sourceTrack.getSettings ? sourceTrack.getSettings() : {};
    this.canvas.width = settings.width || 640;
    this.canvas.height = settings.height || 480;
    this.ctx = this.canvas.getContext('2d');
    this.stream = this.canvas.captureStream(fps);
    this.track = this.stream.getVideoTracks()[0];
    this.timer = setInterval(() => this.draw(), Math.round(1000 / fps));
  }

  set(level, whiteness) {
    this.level = Math.max(0, Math.min(9, Number(level) || 0));
    this.whiteness = Math.max(0, Math.min(9, Number(whiteness) || 0));
  }

  draw() {
    const {video, canvas, ctx} = this;
    if (video.readyState < 2 || !video.videoWidth) return;
    if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
    }
    const brighten = 1 + this.level * 0.012 + this.whiteness * 0.02;
    ctx.globalAlpha = 1;
    ctx.filter = `brightness(${brighten}) saturate(${1 - this.whiteness * 0.02})`;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    if (this.level > 0) {
      // Soft focus: a blurred copy blended over the sharp frame smooths skin while edges stay readable.
      ctx.globalAlpha = Math.min(0.6, 0.12 + this.level * 0.05);
      ctx.filter = `blur(${(1 + this.level * 0.35).toFixed(2)}px) brightness(${brighten + 0.03})`;
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      ctx.globalAlpha = 1;
    }
    ctx.filter = 'none';
  }

  stop() {
    clearInterval(this.timer);
    this.track.stop();
    this.video.srcObject = null;
  }
}

// ---------------------------------------------------------------------------------------------------------------

export default class TRTC {
  /**
   * @param ctx the page (any object with setData(obj, callback)); kept for symmetry with trtc-wx
   * @param options {env, logLevel, serverUrl, recvMode, statsIntervalMs, volumeIntervalMs, requestTimeoutMs,
   *                 reconnectTimeoutMs}
   */
  constructor(ctx, options = {}) {
    this.ctx = ctx;
    this.options = {statsIntervalMs: 2000, volumeIntervalMs: 500, requestTimeoutMs: 10000,
      reconnectTimeoutMs: 60000, ...options};
    this.EVENT = EVENT;
    this.ERROR_CODE = ERROR_CODE;
    this.instanceId = nextInstanceId++;
    this._logLevel = typeof options.logLevel === 'number' ? options.logLevel : 1;
    this._handlers = new Map();
    this._viewListeners = new Set();
    this._pusherInitial = {...DEFAULT_PUSHER};
    this._pusher = null;
    this._resetRoomState();
    instances.set(this.instanceId, this);
    lastInstance = this;
    if (typeof addEventListener === 'function') {
      // Closing the tab: say goodbye at once instead of leaving the others to wait for the timeout.
      addEventListener('pagehide', () => {
        if (this._state === 'joined' && this._ws?.readyState === 1) {
          this._send({v: PROTOCOL_VERSION, type: 'request', id: ++this._requestId, action: 'leave', data: {}});
        }
      });
    }
  }

  // ---- logging and events -----------------------------------------------------------------------------------

  setLogLevel(level) { this._logLevel = Number(level) || 0; }

  _log(level, ...args) {
    if (this.options.env === 'test' || level < this._logLevel || typeof console === 'undefined') return;
    (console[['log', 'info', 'warn', 'error'][level] || 'log'])('[lianmai]', ...args);
  }

  on(name, handler, context) {
    if (typeof handler !== 'function') return;
    if (!this._handlers.has(name)) this._handlers.set(name, []);
    this._handlers.get(name).push({handler, context});
  }

  off(name, handler) {
    if (name === undefined) { this._handlers.clear(); return; }
    if (!handler) { this._handlers.delete(name); return; }
    const list = this._handlers.get(name) || [];
    this._handlers.set(name, list.filter(entry => entry.handler !== handler));
  }

  _emit(name, data) {
    this._log(0, 'event', name, data);
    for (const {handler, context} of [...(this._handlers.get(name) || [])]) {
      try { handler.call(context, {eventCode: name, data}); } catch (e) { this._log(3, 'handler of', name, 'threw', e); }
    }
  }

  _error(code, message) { this._emit(EVENT.ERROR, {code, message}); }

  /** Internal: lets the custom elements re-render when media or attributes change. */
  _watch(listener) { this._viewListeners.add(listener); return () => this._viewListeners.delete(listener); }
  _notifyViews() { for (const listener of [...this._viewListeners]) { try { listener(); } catch (e) { /* view */ } } }

  // ---- state ----------------------------------------------------------------------------------------------------

  _resetRoomState() {
    this._epoch = (this._epoch || 0) + 1;
    this._state = 'idle'; // idle | entering | joined | reconnecting
    this._params = null;
    this._ws = null;
    this._requestId = 0;
    this._pending = new Map();
    this._queue = [];
    this._sessionToken = null;
    this._heartbeatMs = 10000;
    this._timers = [];
    this._users = new Map();
    this._players = new Map();
    this._subs = new Map();
    this._playerChains = new Map();
    this._started = false;
    this._previewing = false;
    this._paused = false;
    this._pub = null;
    this._pubFailures = 0;
    this._chain = Promise.resolve();
    this._syncQueued = false;
    this._recvMode = 1;
  }

  _userList() {
    return [...this._users.values()].map(u => ({userID: u.userID, role: u.role, hasMainVideo: u.hasMainVideo,
      hasMainAudio: u.hasMainAudio, hasAuxVideo: u.hasAuxVideo}));
  }

  getPlayerList() { return [...this._players.values()].map(p => copy(p.attrs)); }

  // ---- pusher -----------------------------------------------------------------------------------------------------

  createPusher(attrs = {}) {
    this._pusherInitial = {...DEFAULT_PUSHER, ...attrs, netStatus: {}};
    const trtc = this;
    const pusher = {
      pusherAttributes: copy(this._pusherInitial),
      start(options = {}) { trtc._started = true; trtc._paused = false; trtc._scheduleSync(); options.success?.(); return this.pusherAttributes; },
      stop(options = {}) { trtc._started = false; trtc._previewing = false; trtc._scheduleSync(); options.success?.(); return this.pusherAttributes; },
      pause() { trtc._paused = true; trtc._applyPause(); return this.pusherAttributes; },
      resume() { trtc._paused = false; trtc._applyPause(); return this.pusherAttributes; },
      switchCamera(frontCamera) {
        const next = frontCamera === 'front' || frontCamera === 'back' ? frontCamera
          : (this.pusherAttributes.frontCamera === 'front' ? 'back' : 'front');
        return trtc.setPusherAttributes({frontCamera: next});
      },
      startPreview() { trtc._previewing = true; trtc._scheduleSync(); return this.pusherAttributes; },
      stopPreview() { trtc._previewing = false; trtc._scheduleSync(); return this.pusherAttributes; },
      snapshot() { return snapshotTrack(trtc._sendVideoTrack()); },
      sendMessage(msg) { return trtc.sendCustomMessage(1, typeof msg === 'string' ? msg : msg?.msg ?? ''); },
      toggleTorch() {
        const track = trtc._cam;
        const torch = !trtc._torch;
        if (!track?.applyConstraints) return Promise.reject(sdkError(ERROR_CODE.STATE, 'no camera'));
        return track.applyConstraints({advanced: [{torch}]}).then(() => { trtc._torch = torch; });
      },
      playBGM() { trtc._emit(EVENT.BGM_PLAY_FAIL, {code: ERROR_CODE.STATE, message: 'BGM is not supported by the web SDK'}); },
      pauseBGM() {}, resumeBGM() {}, stopBGM() {}, setBGMVolume() {},
      setMICVolume({volume} = {}) { trtc._micVolume = volume; },
    };
    this._pusher = pusher;
    return pusher;
  }

  getPusherInstance() { return this._pusher || this.createPusher(); }

  _pusherAttrs() { return this.getPusherInstance().pusherAttributes; }

  getPusherAttributes() { return copy(this._pusherAttrs()); }

  setPusherAttributes(attrs = {}) {
    const current = this._pusherAttrs();
    const before = {...current};
    Object.assign(current, attrs);
    const changed = key => key in attrs && attrs[key] !== before[key];
    if (changed('minBitrate') || changed('maxBitrate')) this._applyBitrate();
    if (changed('enableAgc') || changed('enableAns')) {
      this._mic?.applyConstraints?.({autoGainControl: !!current.enableAgc, noiseSuppression: !!current.enableAns}).catch(() => {});
    }
    if (changed('videoWidth') || changed('videoHeight')) {
      this._cam?.applyConstraints?.({width: {ideal: current.videoWidth}, height: {ideal: current.videoHeight}}).catch(() => {});
    }
    if (changed('frontCamera')) this._recaptureCamera = true;
    if (['enableCamera', 'enableMic', 'beautyLevel', 'whitenessLevel', 'frontCamera'].some(changed)) this._scheduleSync();
    this._notifyViews();
    return copy(current);
  }

  /** The video track that is (or would be) sent: the beauty canvas track when beautyLevel > 0, else the camera. */
  _sendVideoTrack() {
    const a = this._pusherAttrs();
    if (!this._cam) return null;
    return (a.beautyLevel > 0 || a.whitenessLevel > 0) && this._filter ? this._filter.track : this._cam;
  }

  /** Internal, for <live-pusher>: the stream to preview (video only). */
  _localPreviewStream() {
    const track = this._sendVideoTrack();
    if (!track) return null;
    if (this._previewTrack !== track) { this._previewTrack = track; this._previewStream = new MediaStream([track]); }
    return this._previewStream;
  }

  _canPublish() {
    const p = this._params;
    return !!p && !(p.scene === 'live' && p.role === 'audience');
  }

  _scheduleSync() {
    if (this._syncQueued) return;
    this._syncQueued = true;
    const run = () => { this._syncQueued = false; return this._sync(); };
    this._chain = this._chain.then(run, run).catch(error => {
      if (quiet(error)) return;
      this._log(3, 'pusher', error);
      this._error(errorData(error, ERROR_CODE.PUSH_CONNECTION_LOST).code, errorData(error).message);
    });
  }

  /** Brings capture and the published stream in line with the pusher attributes (runs serialised). */
  async _sync() {
    const a = this._pusherAttrs();
    const joined = this._state === 'joined';
    const pureAudio = !!this._params?.pureAudioMode;
    const wantVideo = a.enableCamera && !pureAudio && (this._started || this._previewing || joined);
    const wantAudio = a.enableMic && (this._started || joined);
    // Camera
    if (wantVideo || this._previewing) {
      if (this._cam && this._recaptureCamera) this._releaseCamera();
      this._recaptureCamera = false;
      if (!this._cam) await this._captureCamera();
    } else {
      this._recaptureCamera = false;
      this._releaseCamera();
    }
    const beauty = a.beautyLevel > 0 || a.whitenessLevel > 0;
    if (this._cam && beauty) {
      if (!this._filter) this._filter = new BeautyFilter(this._cam);
      this._filter.set(a.beautyLevel, a.whitenessLevel);
    } else if (this._filter) {
      this._filter.stop();
      this._filter = null;
    }
    // Microphone
    if (wantAudio && !this._mic) await this._captureMic();
    if (this._mic) this._mic.enabled = !!a.enableMic && !this._paused;
    this._notifyViews();
    // Publication
    const mayPublish = this._state === 'joined' && this._started && this._canPublish();
    if (this._pub && !mayPublish && this._state !== 'reconnecting') await this._unpublish();
    if (!this._pub && mayPublish && (a.enableCamera || a.enableMic)) {
      await this._publish();
    } else if (this._pub) {
      await this._updatePublication();
    }
    if (!a.enableMic && this._mic && !this._pub) { this._mic.stop(); this._mic = null; }
  }

  async _captureCamera() {
    const a = this._pusherAttrs();
    try {
      const epoch = this._epoch;
      const media = await navigator.mediaDevices.getUserMedia({video: {
        width: {ideal: a.videoWidth}, height: {ideal: a.videoHeight},
        facingMode: a.frontCamera === 'back' ? 'environment' : 'user'}});
      if (epoch !== this._epoch) { media.getTracks().forEach(t => t.stop()); throw sdkError(ERROR_CODE.STATE, 'left', {left: true}); }
      this._cam = media.getVideoTracks()[0];
      this._cam.addEventListener('ended', () => this._error(ERROR_CODE.CAMERA_FAILED, 'camera stopped'));
    } catch (e) {
      if (quiet(e)) throw e;
      a.enableCamera = false;
      throw sdkError(ERROR_CODE.CAMERA_FAILED, 'camera failed: ' + (e.name || '') + ' ' + (e.message || e));
    }
  }

  _releaseCamera() {
    if (this._filter) { this._filter.stop(); this._filter = null; }
    if (this._cam) { this._cam.stop(); this._cam = null; }
    this._notifyViews();
  }

  async _captureMic() {
    const a = this._pusherAttrs();
    try {
      const epoch = this._epoch;
      const media = await navigator.mediaDevices.getUserMedia({audio: {
        echoCancellation: true, autoGainControl: !!a.enableAgc, noiseSuppression: !!a.enableAns,
        channelCount: a.audioQuality === 'high' ? 2 : 1}});
      if (epoch !== this._epoch) { media.getTracks().forEach(t => t.stop()); throw sdkError(ERROR_CODE.STATE, 'left', {left: true}); }
      this._mic = media.getAudioTracks()[0];
    } catch (e) {
      if (quiet(e)) throw e;
      a.enableMic = false;
      throw sdkError(ERROR_CODE.MIC_FAILED, 'microphone failed: ' + (e.name || '') + ' ' + (e.message || e));
    }
  }

  async _publish() {
    const a = this._pusherAttrs();
    const pureAudio = !!this._params?.pureAudioMode;
    const pc = new RTCPeerConnection();
    const stream = new MediaStream();
    const pub = {pc, stream, audio: !!a.enableMic, video: !!a.enableCamera && !pureAudio, closed: false, stats: {}};
    pub.audioSender = pc.addTransceiver(this._mic || 'audio', {direction: 'sendonly', streams: [stream]}).sender;
    if (!pureAudio) {
      const track = this._sendVideoTrack();
      pub.videoSender = pc.addTransceiver(track || 'video', {direction: 'sendonly', streams: [stream],
        sendEncodings: [{maxBitrate: a.maxBitrate * 1000}]}).sender;
    }
    pc.addEventListener('connectionstatechange', () => this._onPublishState(pub));
    this._pub = pub;
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringComplete(pc);
      if (pub.closed) return;
      const data = await this._request('publish', {streamType: 'main', offer: pc.localDescription.sdp,
        audio: pub.audio, video: pub.video});
      if (pub.closed) return;
      pub.sessionId = data.sessionId;
      await pc.setRemoteDescription({type: 'answer', sdp: data.answer});
      this._applyBitrate();
      this._log(1, 'published', this._params.userID + '_main', data.sessionId);
    } catch (e) {
      if (this._pub === pub) this._pub = null;
      pub.closed = true;
      pc.close();
      if (quiet(e)) return; // the socket dropped mid-request: publishing again follows the resume
      this._started = false; // do not retry in a loop; the app may call start() again
      throw e;
    }
    await this._updatePublication();
  }

  /** Replaces sent tracks and announces camera/mic availability with `mute` (no renegotiation). */
  async _updatePublication() {
    const pub = this._pub;
    if (!pub || pub.closed) return;
    const a = this._pusherAttrs();
    const video = !!a.enableCamera && !this._params?.pureAudioMode && !!this._cam;
    const audio = !!a.enableMic && !!this._mic;
    if (pub.videoSender) {
      const track = video ? this._sendVideoTrack() : null;
      if (pub.videoSender.track !== track) await pub.videoSender.replaceTrack(track);
    }
    const micTrack = audio ? this._mic : null;
    if (pub.audioSender.track !== micTrack) await pub.audioSender.replaceTrack(micTrack);
    if (!pub.sessionId) return;
    const change = {};
    if (audio !== pub.audio) change.audio = audio;
    if (video !== pub.video) change.video = video;
    if (Object.keys(change).length) {
      await this._request('mute', {streamType: 'main', ...change});
      Object.assign(pub, change);
    }
  }

  async _unpublish(tellServer = true) {
    const pub = this._pub;
    if (!pub) return;
    this._pub = null;
    pub.closed = true;
    pub.pc.close();
    if (tellServer && pub.sessionId && this._ws) {
      await this._request('unpublish', {streamType: 'main'}).catch(e => this._log(2, 'unpublish', e.message));
    }
  }

  _onPublishState(pub) {
    const state = pub.pc.connectionState;
    this._log(1, 'publish connection', state);
    if (state === 'connected') this._pubFailures = 0;
    if (state === 'failed' && this._pub === pub) {
      this._pubFailures++;
      this._unpublish(false);
      if (this._pubFailures <= 3) {
        this._scheduleSync(); // republish
      } else {
        this._error(ERROR_CODE.PUSH_CONNECTION_LOST, 'publishing connection failed');
      }
    }
  }

  _applyPause() {
    if (this._cam) this._cam.enabled = !this._paused;
    if (this._mic) this._mic.enabled = !this._paused && !!this._pusherAttrs().enableMic;
    this._notifyViews();
  }

  _applyBitrate() {
    const sender = this._pub?.videoSender;
    if (!sender?.getParameters) return;
    const a = this._pusherAttrs();
    const parameters = sender.getParameters();
    if (!parameters.encodings || !parameters.encodings.length) return;
    // minBitrate has no WebRTC equivalent; it is kept as an attribute only.
    parameters.encodings[0].maxBitrate = Math.max(a.minBitrate, a.maxBitrate) * 1000;
    sender.setParameters(parameters).catch(e => this._log(2, 'setParameters', e.message));
  }

  // ---- room -------------------------------------------------------------------------------------------------------

  _validate(params) {
    const {sdkAppID, userID, userSig, roomID, strRoomID} = params || {};
    if (!sdkAppID || !(Number(sdkAppID) > 0)) return [ERROR_CODE.INVALID_PARAMETER, 'sdkAppID is required'];
    if (!userID || typeof userID !== 'string') return [ERROR_CODE.USER_ID_INVALID, 'userID is required'];
    if (CHINESE.test(userID)) return [ERROR_CODE.USER_ID_INVALID, 'userID must not contain Chinese characters'];
    if (!userSig) return [ERROR_CODE.USERSIG_FAILED, 'userSig is required'];
    if (strRoomID !== undefined && strRoomID !== null && strRoomID !== '') {
      if (CHINESE.test(String(strRoomID))) return [ERROR_CODE.ROOM_ID_INVALID, 'strRoomID must not contain Chinese characters'];
      if (String(strRoomID).length > 64) return [ERROR_CODE.ROOM_ID_INVALID, 'strRoomID is longer than 64 characters'];
      return null;
    }
    const room = Number(roomID);
    if (!Number.isInteger(room) || room < 1 || room > 4294967295) {
      return [ERROR_CODE.ROOM_ID_INVALID, 'roomID must be an integer in 1..4294967295 (or give strRoomID)'];
    }
    return null;
  }

  _serverUrl() {
    const base = this.options.serverUrl;
    if (!base) {
      if (typeof location === 'undefined') throw sdkError(ERROR_CODE.INVALID_PARAMETER, 'options.serverUrl is required');
      return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    }
    const url = new URL(base, typeof location !== 'undefined' ? location.href : undefined);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/ws';
    return url.href;
  }

  _host() {
    try { return new URL(this._serverUrl()).host; } catch (e) { return 'lianmai'; }
  }

  enterRoom(params = {}) {
    const invalid = this._validate(params);
    if (invalid) {
      this._log(3, 'enterRoom:', invalid[1]);
      this._error(invalid[0], invalid[1]);
      return this.getPusherAttributes();
    }
    if (this._state !== 'idle') this._leaveLocally();
    const p = {...params, sdkAppID: Number(params.sdkAppID), scene: params.scene === 'live' ? 'live' : 'rtc'};
    if (p.strRoomID !== undefined && p.strRoomID !== null && p.strRoomID !== '') { p.strRoomID = String(p.strRoomID); delete p.roomID; }
    else { p.roomID = Number(p.roomID); delete p.strRoomID; }
    p.role = p.role === 'audience' || p.role === 'anchor' ? p.role : 'anchor';
    this._params = p;
    this._recvMode = [1, 2, 3, 4].includes(Number(p.recvMode)) ? Number(p.recvMode)
      : ([1, 2, 3, 4].includes(Number(this.options.recvMode)) ? Number(this.options.recvMode) : 1);
    const a = this._pusherAttrs();
    if (typeof p.enableMic === 'boolean') a.enableMic = p.enableMic;
    if (typeof p.enableCamera === 'boolean') a.enableCamera = p.enableCamera;
    if (p.pureAudioMode) a.enableCamera = false;
    const q = new URLSearchParams({sdkappid: p.sdkAppID});
    if (p.strRoomID) q.set('strroomid', p.strRoomID); else q.set('roomid', p.roomID);
    q.set('userid', p.userID);
    q.set('appscene', p.scene === 'live' ? 'live' : 'videocall');
    q.set('role', p.role);
    if (p.streamID) q.set('streamid', p.streamID);
    q.set('instance', this.instanceId);
    a.url = `room://${this._host()}/rtc?${q}`;
    a.mode = 'RTC';
    this._state = 'entering';
    this._connect(false);
    this._notifyViews();
    return copy(a);
  }

  exitRoom() {
    const wasIn = this._state !== 'idle';
    if (wasIn && this._ws && this._ws.readyState === 1) {
      const ws = this._ws;
      this._send({v: PROTOCOL_VERSION, type: 'request', id: ++this._requestId, action: 'leave', data: {}});
      setTimeout(() => ws.close(1000, 'leave'), 500);
      this._ws = null;
    }
    this._leaveLocally();
    this._emit(EVENT.LOCAL_LEAVE, {});
    return {pusher: this.getPusherAttributes(), playerList: []};
  }

  /** Stops media, closes the socket, resets room and pusher state (no events). */
  _leaveLocally() {
    for (const timer of this._timers) clearInterval(timer);
    if (this._reconnectTimer) clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    for (const {reject, timer} of this._pending.values()) { clearTimeout(timer); reject(sdkError(ERROR_CODE.STATE, 'left the room', {left: true})); }
    for (const {reject} of this._queue) reject(sdkError(ERROR_CODE.STATE, 'left the room', {left: true}));
    if (this._ws) { const ws = this._ws; this._ws = null; ws.onclose = null; try { ws.close(1000, 'leave'); } catch (e) { /* closed */ } }
    if (this._pub) { this._pub.closed = true; this._pub.pc.close(); }
    for (const sub of this._subs.values()) { sub.closed = true; sub.pc.close(); }
    this._releaseCamera();
    if (this._mic) { this._mic.stop(); this._mic = null; }
    const pusher = this._pusher;
    this._resetRoomState();
    if (pusher) pusher.pusherAttributes = copy(this._pusherInitial);
    this._notifyViews();
  }

  /** Lianmai extension: changes role in a `live` room. Resolves when the server agreed. */
  async switchRole(role) {
    if (role !== 'anchor' && role !== 'audience') throw sdkError(ERROR_CODE.INVALID_PARAMETER, 'role must be anchor or audience');
    if (!this._params) throw sdkError(ERROR_CODE.STATE, 'not in a room');
    try {
      await this._request('switchRole', {role});
    } catch (e) {
      this._error(errorData(e, ERROR_CODE.STATE).code, errorData(e).message);
      throw e;
    }
    this._params.role = role;
    if (role === 'audience' && this._pub) await this._unpublish(false); // the server unpublished already
    this._scheduleSync();
    return role;
  }

  /** Lianmai extension: a room-wide custom message (cmdID 1..10, data ≤ 1 KiB). Resolves when sent. */
  async sendCustomMessage(cmdID, data) {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    try {
      await this._request('message', {cmdID: Number(cmdID), data: text});
    } catch (e) {
      this._emit(EVENT.IM_ERROR, errorData(e, ERROR_CODE.STATE));
      throw e;
    }
  }

  // ---- signalling -------------------------------------------------------------------------------------------------

  _connect(resuming) {
    let ws;
    try {
      ws = new WebSocket(this._serverUrl());
    } catch (e) {
      this._onSocketGone(null, e.message);
      return;
    }
    this._ws = ws;
    ws.onopen = () => {
      if (this._ws !== ws) return;
      this._lastRx = Date.now();
      if (resuming && this._sessionToken) this._resume();
      else this._enter(resuming);
    };
    ws.onmessage = event => { if (this._ws === ws) this._onFrame(event.data); };
    ws.onclose = event => { if (this._ws === ws) this._onSocketGone(ws, `socket closed (${event.code}${event.reason ? ' ' + event.reason : ''})`); };
    ws.onerror = () => {};
  }

  _enterData() {
    const p = this._params;
    const data = {sdkAppID: p.sdkAppID, userID: p.userID, userSig: p.userSig, scene: p.scene, role: p.role};
    if (p.strRoomID) data.strRoomID = p.strRoomID; else data.roomID = p.roomID;
    if (p.privateMapKey) data.privateMapKey = p.privateMapKey;
    return data;
  }

  async _enter(rejoin) {
    let data;
    try {
      data = await this._request('enter', this._enterData(), true);
    } catch (e) {
      if (quiet(e)) return; // socket lost: _onSocketGone handles it
      const {code, message} = errorData(e, ERROR_CODE.ENTER_ROOM_FAILED);
      this._log(3, 'enter failed', code, message);
      this._error(code, message);
      if (rejoin) this._emit(EVENT.KICKED_OUT, {reason: 'rejoin-failed', message});
      this._leaveLocally();
      return;
    }
    this._joined(data, rejoin ? 'fresh' : 'first');
  }

  async _resume(attempt = 0) {
    const ws = this._ws;
    let data;
    try {
      data = await this._request('resume', {sessionToken: this._sessionToken}, true);
    } catch (e) {
      if (quiet(e)) return;
      if (e.code === RESUME_STILL_CONNECTED && attempt < RESUME_RETRIES) {
        // The server still hears our old socket (docs/protocol.md, resume): it stops counting as alive after two
        // heartbeat intervals, so ask again after one.
        this._log(1, 'old socket still connected on the server; resuming again shortly');
        setTimeout(() => { if (this._ws === ws) this._resume(attempt + 1); }, this._heartbeatMs || 5000);
        return;
      }
      this._log(2, 'resume refused, entering again:', e.message);
      this._sessionToken = null;
      this._enter(true);
      return;
    }
    this._joined(data, 'resume');
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
    for (const timer of this._timers) clearInterval(timer);
    this._timers = [
      setInterval(() => this._heartbeat(), this._heartbeatMs),
      setInterval(() => this._collectStats(), this.options.statsIntervalMs),
      setInterval(() => this._collectVolume(), this.options.volumeIntervalMs),
    ];
    const queued = this._queue;
    this._queue = [];
    for (const item of queued) this._sendRequest(item);
    if (how === 'first') {
      this._log(1, 'entered room as', this._params.userID);
      this._emit(EVENT.LOCAL_JOIN, {});
      this._emit(EVENT.IM_READY, {});
    } else {
      this._log(1, how === 'resume' ? 'session resumed' : 'entered the room again');
      if (how === 'fresh') {
        // The server forgot us: every media session is gone; publish and subscribe again.
        if (this._pub) { this._pub.closed = true; this._pub.pc.close(); this._pub = null; }
        for (const [streamID, sub] of this._subs) { sub.closed = true; sub.pc.close(); this._subs.delete(streamID); }
      }
      if (wasReconnecting) this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'connected', how});
    }
    this._reconcile(data.members || []);
    if (how === 'resume' && this._pub) {
      // Re-announce our flags in case a mute was lost with the old socket.
      this._pub.audio = !this._pub.audio;
      this._pub.video = !this._pub.video;
    }
    this._scheduleSync();
    for (const streamID of this._players.keys()) this._schedulePlayerSync(streamID);
  }

  _onSocketGone(ws, reason) {
    if (ws && this._ws !== ws) return;
    this._ws = null;
    for (const [id, {reject, timer}] of this._pending) {
      clearTimeout(timer);
      reject(sdkError(ERROR_CODE.STATE, 'socket lost: ' + reason, {socketLost: true}));
      this._pending.delete(id);
    }
    if (this._state === 'idle') return;
    if (this._state === 'entering') {
      this._log(3, 'cannot reach the server:', reason);
      this._error(ERROR_CODE.ENTER_ROOM_FAILED, 'cannot reach the server: ' + reason);
      this._leaveLocally();
      return;
    }
    if (this._state === 'joined') {
      this._state = 'reconnecting';
      this._reconnectStarted = Date.now();
      this._backoff = 0;
      for (const timer of this._timers) clearInterval(timer);
      this._timers = [];
      this._log(2, 'connection lost, reconnecting:', reason);
      this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'reconnecting', reason});
    }
    if (Date.now() - this._reconnectStarted > this.options.reconnectTimeoutMs) {
      const message = 'connection to the server lost: ' + reason;
      this._error(ERROR_CODE.PUSH_CONNECTION_LOST, message);
      this._emit(EVENT.CONNECTION_STATE_UPDATE, {state: 'disconnected', reason});
      this._emit(EVENT.KICKED_OUT, {reason: 'network', message});
      this._leaveLocally();
      return;
    }
    const delay = Math.min(8000, 500 * 2 ** this._backoff++) * (0.8 + Math.random() * 0.4);
    this._reconnectTimer = setTimeout(() => { this._reconnectTimer = null; this._connect(true); }, delay);
  }

  _heartbeat() {
    if (!this._ws || this._ws.readyState !== 1) return;
    // Dead socket: a heartbeat sent long ago is still unanswered and nothing else arrived since.
    if (this._heartbeatSent && this._heartbeatSent > this._lastRx && Date.now() - this._heartbeatSent > 3 * this._heartbeatMs) {
      this._log(2, 'server silent; reconnecting');
      const ws = this._ws;
      ws.onclose = null;
      ws.close();
      this._onSocketGone(ws, 'heartbeat timeout');
      return;
    }
    if (!(this._heartbeatSent > this._lastRx)) this._heartbeatSent = Date.now();
    this._request('heartbeat', {}).catch(() => {});
  }

  _send(frame) {
    const text = JSON.stringify(frame);
    this._ws.send(text);
  }

  /** Sends a request; outside of `enter`/`resume`, waits (queued) while the socket is being re-established. */
  _request(action, data, now = false) {
    return new Promise((resolve, reject) => {
      const item = {action, data, resolve, reject};
      const open = this._ws && this._ws.readyState === 1;
      if (now && open) this._sendRequest(item);
      else if (this._state === 'joined' && open) this._sendRequest(item);
      else if (this._state === 'reconnecting' || this._state === 'entering') this._queue.push(item);
      else reject(sdkError(ERROR_CODE.STATE, 'not in a room', {left: true}));
    });
  }

  _sendRequest(item) {
    if (!this._ws || this._ws.readyState !== 1) { this._queue.push(item); return; }
    const id = ++this._requestId;
    const timer = setTimeout(() => {
      if (this._pending.delete(id)) item.reject(sdkError(ERROR_CODE.STATE, item.action + ' timed out'));
    }, this.options.requestTimeoutMs);
    this._pending.set(id, {resolve: item.resolve, reject: item.reject, timer});
    this._log(0, '->', item.action);
    this._send({v: PROTOCOL_VERSION, type: 'request', id, action: item.action, data: item.data});
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
      else pending.reject(sdkError(frame.error?.code ?? -7, frame.error?.message || 'request failed'));
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
        user.role = d.role;
        this._emit(EVENT.REMOTE_USER_ROLE_UPDATE, {userID: d.userID, role: d.role, userList: this._userList(),
          playerList: this.getPlayerList()});
        break;
      }
      case 'streamAdd':
      case 'streamUpdate':
        this._applyStream(d.userID, d.streamType, {audio: !!d.audio, video: !!d.video});
        break;
      case 'streamRemove': this._applyStream(d.userID, d.streamType, null); break;
      case 'customMessage':
        this._emit(EVENT.IM_MESSAGE_RECEIVED, {userID: d.userID, cmdID: d.cmdID, data: d.data,
          message: {from: d.userID, cmdID: d.cmdID, payload: {data: d.data}}});
        break;
      case 'kicked': {
        const message = d.message || d.reason || 'kicked';
        this._log(2, 'kicked out:', message);
        this._leaveLocally();
        this._emit(EVENT.KICKED_OUT, {reason: d.reason, message});
        break;
      }
      case 'serverShutdown':
        // Not a kick: the server is going away (a restart, a deploy) and its room state with it. Skip the resume
        // that would be refused and enter afresh when it, or another node, answers; the socket's close (1001)
        // starts the usual reconnect with back-off.
        this._log(2, 'server shutting down:', d.message || d.reason);
        this._sessionToken = null;
        break;
      case 'error': this._log(3, 'server error', d); this._error(d.code ?? -7, d.message || 'server error'); break;
      default: this._log(0, 'unknown event', name);
    }
  }

  // ---- remote users and players -----------------------------------------------------------------------------------

  _userJoined(userID, role) {
    if (!userID || userID === this._params?.userID) return null;
    let user = this._users.get(userID);
    if (user) { if (role) user.role = role; return user; }
    user = {userID, role: role || 'anchor', hasMainVideo: false, hasMainAudio: false, hasAuxVideo: false};
    this._users.set(userID, user);
    this._emit(EVENT.REMOTE_USER_JOIN, {userID, userList: this._userList(), playerList: this.getPlayerList()});
    return user;
  }

  _userLeft(userID, reason) {
    if (!this._users.has(userID)) return;
    for (const streamType of ['main', 'aux']) this._applyStream(userID, streamType, null);
    this._users.delete(userID);
    this._emit(EVENT.REMOTE_USER_LEAVE, {userID, reason, userList: this._userList(), playerList: this.getPlayerList()});
  }

  _reconcile(members) {
    const present = new Set();
    for (const m of members) {
      if (!m || m.userID === this._params.userID) continue;
      present.add(m.userID);
      this._userJoined(m.userID, m.role);
      const streams = m.streams || {};
      for (const streamType of ['main', 'aux']) {
        const s = streams[streamType];
        this._applyStream(m.userID, streamType, s ? {audio: streamType === 'main' && !!s.audio, video: !!s.video} : null);
      }
    }
    for (const userID of [...this._users.keys()]) if (!present.has(userID)) this._userLeft(userID, 'leave');
  }

  /** Applies a stream's announced flags (null = unpublished): creates/updates/removes the player, emits events. */
  _applyStream(userID, streamType, flags) {
    if (!userID || userID === this._params?.userID || (streamType !== 'main' && streamType !== 'aux')) return;
    const user = this._users.get(userID) || this._userJoined(userID, null);
    if (!user) return;
    const streamID = `${userID}_${streamType}`;
    const audio = !!flags?.audio && streamType === 'main';
    const video = !!flags?.video;
    if (streamType === 'main') { user.hasMainAudio = audio; user.hasMainVideo = video; } else user.hasAuxVideo = video;
    let player = this._players.get(streamID);
    const before = player ? {video: player.attrs.hasVideo, audio: player.attrs.hasAudio} : {video: false, audio: false};
    if (!player && (audio || video)) {
      const recv = this._recvMode;
      const q = new URLSearchParams({userid: userID, streamtype: streamType, streamid: streamID, instance: this.instanceId});
      player = {streamID, stream: null, attrs: {...DEFAULT_PLAYER, userID, streamType, streamID, id: streamID,
        src: `room://${this._host()}/rtc?${q}`, objectFit: streamType === 'aux' ? 'contain' : 'fillCrop',
        muteAudio: recv === 3 || recv === 4, muteVideo: recv === 2 || recv === 4, netStatus: {}}};
      this._players.set(streamID, player);
    }
    if (!player) return;
    if (flags === null && this._subs.has(streamID)) this._subs.get(streamID).ended = true; // the server ended it
    player.attrs.hasAudio = audio;
    player.attrs.hasVideo = video;
    const gone = !audio && !video;
    if (gone) this._players.delete(streamID);
    const payload = () => ({player: copy(player.attrs), userList: this._userList(), playerList: this.getPlayerList()});
    if (before.video && !video) this._emit(EVENT.REMOTE_VIDEO_REMOVE, payload());
    if (before.audio && !audio) this._emit(EVENT.REMOTE_AUDIO_REMOVE, payload());
    if (!before.video && video) this._emit(EVENT.REMOTE_VIDEO_ADD, payload());
    if (!before.audio && audio) this._emit(EVENT.REMOTE_AUDIO_ADD, payload());
    this._schedulePlayerSync(streamID);
    this._notifyViews();
  }

  setPlayerAttributes(streamID, attrs = {}) {
    const player = this._players.get(streamID);
    if (!player) return this.getPlayerList();
    const before = {...player.attrs};
    const {userID, streamType, id, streamID: _s, ...rest} = attrs; // identity is not settable
    Object.assign(player.attrs, rest);
    if (before.muteAudio !== player.attrs.muteAudio || before.muteVideo !== player.attrs.muteVideo) {
      this._schedulePlayerSync(streamID);
    }
    this._notifyViews();
    return this.getPlayerList();
  }

  /** Keeps a `smallStream` attribute on the player; protocol v1 has no action for layer selection (see README). */
  switchStreamType(streamID) {
    const player = this._players.get(streamID);
    if (player) {
      player.attrs.smallStream = !player.attrs.smallStream;
      // The server switches the subscription's simulcast layer (big = highest bitrate, small = lowest).
      if (this._subs.has(streamID)) {
        this._request('setStreamType', {streamID, streamType: player.attrs.smallStream ? 'small' : 'big'})
          .catch(error => this._log(2, 'switchStreamType', error));
      }
    }
    return this.getPlayerList();
  }

  getPlayerInstance(streamID) {
    const trtc = this;
    const element = () => (typeof document !== 'undefined' ? document.getElementById(streamID) : null);
    const set = attrs => trtc.setPlayerAttributes(streamID, attrs);
    return {
      streamID,
      play() { trtc._players.get(streamID) && (trtc._players.get(streamID).paused = false); return set({muteAudio: false, muteVideo: false}); },
      stop() { return set({muteAudio: true, muteVideo: true}); },
      mute(muted = true) { return set({muteAudio: !!muted}); },
      pause() { const p = trtc._players.get(streamID); if (p) { p.paused = true; trtc._applyPlayerTracks(p); } return trtc.getPlayerList(); },
      resume() { const p = trtc._players.get(streamID); if (p) { p.paused = false; trtc._applyPlayerTracks(p); } return trtc.getPlayerList(); },
      requestFullScreen({direction} = {}) {
        const el = element();
        if (!el?.requestFullscreen) return Promise.reject(sdkError(ERROR_CODE.STATE, 'no <live-player id=' + streamID + '>'));
        return el.requestFullscreen().then(() => {
          if (direction === 90 || direction === -90) screen.orientation?.lock?.('landscape').catch(() => {});
        });
      },
      requestExitFullScreen() { return typeof document !== 'undefined' && document.fullscreenElement ? document.exitFullscreen() : Promise.resolve(); },
      snapshot() { return snapshotTrack(trtc._players.get(streamID)?.stream?.getVideoTracks()[0]); },
    };
  }

  /** Internal, for <live-player>: the player's current MediaStream and attributes. */
  _playerView(streamID) {
    const player = this._players.get(streamID);
    return player ? {stream: player.stream, attrs: player.attrs, paused: !!player.paused} : null;
  }

  _wantedKinds(player) {
    const kinds = [];
    if (player && !player.attrs.muteAudio && player.attrs.streamType === 'main') kinds.push('audio');
    if (player && !player.attrs.muteVideo) kinds.push('video');
    return kinds;
  }

  _applyPlayerTracks(player) {
    if (!player.stream) return;
    for (const track of player.stream.getTracks()) {
      track.enabled = !player.paused && !(track.kind === 'audio' ? player.attrs.muteAudio : player.attrs.muteVideo);
    }
    this._notifyViews();
  }

  _schedulePlayerSync(streamID) {
    const entry = this._playerChains.get(streamID) || {chain: Promise.resolve(), queued: false};
    this._playerChains.set(streamID, entry);
    if (entry.queued) return;
    entry.queued = true;
    const run = () => { entry.queued = false; return this._syncPlayer(streamID); };
    entry.chain = entry.chain.then(run, run).catch(e => {
      if (quiet(e)) return;
      this._log(2, 'subscribe', streamID, e.message);
      if (e.code !== 16400) this._error(errorData(e, ERROR_CODE.STATE).code, `${streamID}: ${errorData(e).message}`);
      this._emit(EVENT.PLAYER_WARNING, {streamID, ...errorData(e, ERROR_CODE.STATE)});
    });
  }

  /** Subscribes, re-subscribes or unsubscribes one stream so that its wanted kinds are received. */
  async _syncPlayer(streamID) {
    const player = this._players.get(streamID);
    let sub = this._subs.get(streamID);
    if (sub && (sub.closed || sub.ended)) {
      this._subs.delete(streamID);
      sub.closed = true;
      sub.pc.close();
      sub = null;
    }
    if (this._state !== 'joined' && this._state !== 'reconnecting') return;
    const wanted = this._state === 'joined' ? this._wantedKinds(player) : (sub ? sub.kinds : []);
    if (!wanted.length) {
      if (sub) await this._unsubscribe(streamID, sub);
      return;
    }
    // recvMode 4 (manual): the subscription carries exactly the kinds the app unmuted; otherwise it only grows
    // (muting a kind then just disables the received track, so unmuting is instant).
    const exact = this._recvMode === 4 && this._state === 'joined';
    const covers = sub && wanted.every(kind => sub.kinds.includes(kind));
    if (covers && (!exact || sub.kinds.every(kind => wanted.includes(kind)))) { this._applyPlayerTracks(player); return; }
    const kinds = exact ? wanted : [...new Set([...(sub ? sub.kinds : []), ...wanted])];
    if (sub) await this._unsubscribe(streamID, sub);
    await this._subscribe(streamID, kinds);
  }

  async _subscribe(streamID, kinds) {
    const pc = new RTCPeerConnection();
    const sub = {pc, kinds, closed: false, ended: false, failures: 0, stats: {}};
    this._subs.set(streamID, sub);
    for (const kind of ['audio', 'video']) if (kinds.includes(kind)) pc.addTransceiver(kind, {direction: 'recvonly'});
    const tracks = [];
    pc.addEventListener('track', event => {
      tracks.push(event.track);
      const player = this._players.get(streamID);
      if (!player || sub.closed) return;
      player.stream = new MediaStream(tracks);
      this._applyPlayerTracks(player);
    });
    pc.addEventListener('connectionstatechange', () => {
      const player = this._players.get(streamID);
      const state = pc.connectionState;
      if (player && !sub.closed) {
        this._emit(EVENT.REMOTE_STATE_UPDATE, {player: copy(player.attrs), state, playerList: this.getPlayerList()});
      }
      if (state === 'failed' && !sub.closed && this._subs.get(streamID) === sub && ++sub.failures <= 3) {
        sub.ended = true;
        this._schedulePlayerSync(streamID);
      }
    });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringComplete(pc);
      const data = await this._request('subscribe', {streamID, offer: pc.localDescription.sdp});
      if (sub.closed) return;
      sub.sessionId = data.sessionId;
      await pc.setRemoteDescription({type: 'answer', sdp: data.answer});
      this._log(1, 'subscribed', streamID, kinds.join('+'));
    } catch (e) {
      sub.closed = true;
      pc.close();
      if (this._subs.get(streamID) === sub) this._subs.delete(streamID);
      if (quiet(e)) return;
      throw e;
    }
  }

  async _unsubscribe(streamID, sub) {
    if (this._subs.get(streamID) === sub) this._subs.delete(streamID);
    sub.closed = true;
    sub.pc.close();
    const player = this._players.get(streamID);
    if (player) { player.stream = null; this._notifyViews(); }
    if (!sub.ended && sub.sessionId && this._state === 'joined') {
      await this._request('unsubscribe', {streamID}).catch(e => this._log(1, 'unsubscribe', e.message));
    }
  }

  // ---- statistics -------------------------------------------------------------------------------------------------

  /** Reads one peer connection's stats into trtc-wx netStatus fields (bitrates in kbps, loss in %, rtt in ms). */
  async _netStatus(pc, prev, direction) {
    const report = await pc.getStats();
    const now = Date.now();
    const net = {};
    let bytes = {audio: 0, video: 0}, packets = 0, lost = 0;
    report.forEach(s => {
      if (s.type === direction && (s.kind === 'audio' || s.kind === 'video')) {
        bytes[s.kind] += (direction === 'outbound-rtp' ? s.bytesSent : s.bytesReceived) || 0;
        if (s.kind === 'video') {
          if (s.framesPerSecond !== undefined) net.videoFPS = Math.round(s.framesPerSecond);
          if (s.frameWidth) { net.videoWidth = s.frameWidth; net.videoHeight = s.frameHeight; }
        }
        if (direction === 'inbound-rtp') {
          packets += s.packetsReceived || 0; lost += s.packetsLost || 0;
          if (s.jitter !== undefined) net.netJitter = Math.round(s.jitter * 1000);
        }
      }
      if (s.type === 'remote-inbound-rtp') {
        if (typeof s.fractionLost === 'number') net.loss = Math.max(net.loss || 0, Math.round(s.fractionLost * 100));
        if (typeof s.roundTripTime === 'number') net.rtt = Math.round(s.roundTripTime * 1000);
      }
      if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') {
        net.rtt = Math.round(s.currentRoundTripTime * 1000);
      }
    });
    if (prev.time) {
      const seconds = (now - prev.time) / 1000;
      net.videoBitrate = Math.max(0, Math.round((bytes.video - prev.video) * 8 / 1000 / seconds));
      net.audioBitrate = Math.max(0, Math.round((bytes.audio - prev.audio) * 8 / 1000 / seconds));
      net.netSpeed = net.videoBitrate + net.audioBitrate;
      if (direction === 'inbound-rtp') {
        const dp = packets - (prev.packets || 0), dl = lost - (prev.lost || 0);
        net.loss = dp + dl > 0 ? Math.max(0, Math.round(dl * 100 / (dp + dl))) : 0;
      }
    }
    if (net.videoWidth) net.resolution = `${net.videoWidth}x${net.videoHeight}`;
    Object.assign(prev, {time: now, audio: bytes.audio, video: bytes.video, packets, lost});
    return net;
  }

  async _collectStats() {
    try {
      if (this._pub?.sessionId) {
        const a = this._pusherAttrs();
        a.netStatus = await this._netStatus(this._pub.pc, this._pub.stats, 'outbound-rtp');
        this._emit(EVENT.LOCAL_NET_STATE_UPDATE, {pusher: copy(a)});
      }
      let any = false;
      for (const [streamID, sub] of this._subs) {
        const player = this._players.get(streamID);
        if (!player || !sub.sessionId || sub.closed) continue;
        player.attrs.netStatus = await this._netStatus(sub.pc, sub.stats, 'inbound-rtp');
        any = true;
      }
      if (any) this._emit(EVENT.REMOTE_NET_STATE_UPDATE, {playerList: this.getPlayerList()});
    } catch (e) {
      this._log(0, 'stats', e);
    }
  }

  async _collectVolume() {
    try {
      const a = this._pusherAttrs();
      if (this._pub?.sessionId && this._pub.audioSender?.track) {
        let level = 0;
        (await this._pub.pc.getStats(this._pub.audioSender.track)).forEach(s => {
          if (s.type === 'media-source' && typeof s.audioLevel === 'number') level = Math.max(level, s.audioLevel);
        });
        a.volume = Math.round(level * 100);
        this._emit(EVENT.LOCAL_AUDIO_VOLUME_UPDATE, {pusher: copy(a)});
      }
      let any = false;
      for (const [streamID, sub] of this._subs) {
        const player = this._players.get(streamID);
        if (!player || !sub.sessionId || sub.closed || !sub.kinds.includes('audio')) continue;
        let level = 0;
        (await sub.pc.getStats()).forEach(s => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && typeof s.audioLevel === 'number') level = Math.max(level, s.audioLevel);
        });
        player.attrs.volume = player.attrs.muteAudio ? 0 : Math.round(level * 100);
        any = true;
      }
      if (any) this._emit(EVENT.REMOTE_AUDIO_VOLUME_UPDATE, {playerList: this.getPlayerList()});
    } catch (e) {
      this._log(0, 'volume', e);
    }
  }

  // ---- trtc-wx's element event forwarders (the web elements need none of them; kept so ported pages run) -------
  pusherEventHandler() {}
  pusherNetStatusHandler() {}
  pusherErrorHandler() {}
  pusherBGMStartHandler() {}
  pusherBGMProgressHandler() {}
  pusherBGMCompleteHandler() {}
  pusherAudioVolumeNotify() {}
  playerEventHandler() {}
  playerFullscreenChange(event) { this._emit(EVENT.VIDEO_FULLSCREEN_UPDATE, event?.detail || {}); }
  playerNetStatus() {}
  playerAudioVolumeNotify() {}

  /** The instance a `room://…&instance=N` url belongs to (or the most recent one). */
  static fromUrl(url) {
    const match = /[?&]instance=(\d+)/.exec(String(url || ''));
    return (match && instances.get(Number(match[1]))) || lastInstance;
  }
}

TRTC.EVENT = EVENT;
TRTC.ERROR_CODE = ERROR_CODE;
TRTC.VERSION = VERSION;
export {EVENT, ERROR_CODE};

// ---------------------------------------------------------------------------------------------------------------
// Custom elements: <live-pusher> and <live-player> with WeChat's attribute names. They are views: the TRTC
// instance owns the media. Bind one with the `trtc` property, or let it find the instance from url/src.

const truthy = value => value !== null && value !== 'false' && value !== '0' && !String(value).includes('{{');
const bound = value => value !== null && !String(value).includes('{{'); // an unrendered {{…}} means "not set"
const ELEMENT_CSS = ':host{display:block;position:relative;overflow:hidden;background:#000}'
  + 'video{width:100%;height:100%;display:block}'
  + '.waiting{position:absolute;inset:0;width:100%;height:100%;object-fit:cover;display:none}';

const HTMLBase = typeof HTMLElement !== 'undefined' ? HTMLElement : class {};

class LiveMediaElement extends HTMLBase {
  constructor() {
    super();
    const root = this.attachShadow({mode: 'open'});
    root.innerHTML = `<style>${ELEMENT_CSS}</style><video playsinline autoplay></video><img class="waiting" alt="">`;
    this.video = root.querySelector('video');
    this.waiting = root.querySelector('img');
    this._trtc = null;
    this._unwatch = null;
  }
  get trtc() { return this._trtc || TRTC.fromUrl(this.getAttribute(this.urlAttribute)); }
  set trtc(value) { this._trtc = value; this._rebind(); }
  connectedCallback() { this._rebind(); }
  disconnectedCallback() { if (this._unwatch) this._unwatch(); this._unwatch = null; }
  attributeChangedCallback() { if (this.isConnected) { this._rebind(); } }
  _rebind() {
    const trtc = this.trtc;
    if (this._watched !== trtc) {
      if (this._unwatch) this._unwatch();
      this._unwatch = trtc ? trtc._watch(() => this.render()) : null;
      this._watched = trtc;
    }
    this.render();
  }
  _setStream(stream) {
    if (this.video.srcObject !== stream) {
      this.video.srcObject = stream;
      if (stream) this._play();
    }
  }
  _play() {
    this.video.play().catch(error => {
      if (error.name !== 'NotAllowedError' || this.video.muted) return;
      // Autoplay with sound refused: play muted until the first user gesture.
      this.video.muted = true;
      this._autoplayMuted = true;
      this.video.play().catch(() => {});
      const unmute = () => { this._autoplayMuted = false; this.render(); this.video.play().catch(() => {}); };
      document.addEventListener('pointerdown', unmute, {once: true, capture: true});
      document.addEventListener('keydown', unmute, {once: true, capture: true});
    });
  }
}

class LivePusherElement extends LiveMediaElement {
  static get observedAttributes() {
    return ['url', 'mode', 'autopush', 'enable-camera', 'enable-mic', 'muted', 'enable-agc', 'enable-ans',
      'enable-ear-monitor', 'auto-focus', 'zoom', 'min-bitrate', 'max-bitrate', 'video-width', 'video-height',
      'beauty', 'whiteness', 'orientation', 'aspect', 'device-position', 'remote-mirror', 'local-mirror',
      'background-mute', 'audio-quality', 'audio-volume-type', 'audio-reverb-type', 'waiting-image', 'debug'];
  }
  get urlAttribute() { return 'url'; }
  render() {
    const trtc = this.trtc;
    this.video.muted = true; // never play our own microphone back
    const a = trtc ? trtc._pusherAttrs() : DEFAULT_PUSHER;
    const cameraAttr = this.getAttribute('enable-camera');
    const cameraOn = bound(cameraAttr) ? truthy(cameraAttr) : a.enableCamera;
    const stream = trtc && cameraOn !== false && !trtc._paused ? trtc._localPreviewStream() : null;
    this._setStream(stream);
    const position = bound(this.getAttribute('device-position')) ? this.getAttribute('device-position') : a.frontCamera;
    const mirrorAttr = bound(this.getAttribute('local-mirror')) ? this.getAttribute('local-mirror') : a.localMirror;
    const mirror = mirrorAttr === 'enable' || (mirrorAttr !== 'disable' && position !== 'back');
    this.video.style.transform = mirror ? 'scaleX(-1)' : '';
    this.video.style.objectFit = 'cover';
    this.video.style.visibility = stream ? 'visible' : 'hidden';
    const waiting = this.getAttribute('waiting-image') || a.waitingImage;
    this.waiting.style.display = !stream && bound(waiting) && waiting ? 'block' : 'none';
    if (bound(waiting) && waiting && this.waiting.getAttribute('src') !== waiting) this.waiting.src = waiting;
  }
}

class LivePlayerElement extends LiveMediaElement {
  static get observedAttributes() {
    return ['id', 'src', 'mode', 'autoplay', 'muted', 'mute-audio', 'mute-video', 'orientation', 'object-fit',
      'background-mute', 'min-cache', 'max-cache', 'sound-mode', 'enable-recv-message', 'auto-pause-if-navigate',
      'auto-pause-if-open-native', 'debug'];
  }
  constructor() {
    super();
    this.addEventListener('fullscreenchange', () => {
      const trtc = this.trtc;
      if (trtc) trtc._emit(EVENT.VIDEO_FULLSCREEN_UPDATE, {streamID: this.streamID, fullScreen: document.fullscreenElement === this});
    });
  }
  get urlAttribute() { return 'src'; }
  get streamID() {
    const id = this.getAttribute('id');
    if (bound(id) && id) return id;
    const match = /[?&]streamid=([^&]+)/.exec(this.getAttribute('src') || '');
    return match ? decodeURIComponent(match[1]) : '';
  }
  render() {
    const trtc = this.trtc;
    const view = trtc ? trtc._playerView(this.streamID) : null;
    const attr = (name, fallback) => (bound(this.getAttribute(name)) ? this.getAttribute(name) : fallback);
    const a = view ? view.attrs : DEFAULT_PLAYER;
    const muteAudio = truthy(attr('mute-audio', String(a.muteAudio))) || truthy(attr('muted', 'false'));
    const muteVideo = truthy(attr('mute-video', String(a.muteVideo)));
    const autoplay = truthy(attr('autoplay', String(a.autoplay)));
    this._setStream(view && (autoplay || this.video.srcObject) ? view.stream : null);
    this.video.muted = muteAudio || !!this._autoplayMuted;
    this.video.style.visibility = muteVideo || !a.hasVideo ? 'hidden' : 'visible';
    const fit = attr('object-fit', a.objectFit);
    this.video.style.objectFit = fit === 'contain' ? 'contain' : fit === 'fill' ? 'fill' : 'cover';
    this.video.style.transform = attr('orientation', a.orientation) === 'horizontal' ? 'rotate(90deg)' : '';
    const soundMode = attr('sound-mode', a.soundMode);
    this.video.volume = soundMode === 'ear' ? 0.3 : 1;
    this._applySink(soundMode);
  }
  async _applySink(soundMode) {
    if (this._sinkMode === soundMode || !this.video.setSinkId || !navigator.mediaDevices?.enumerateDevices) return;
    this._sinkMode = soundMode;
    try {
      let sink = '';
      if (soundMode === 'ear') {
        const outputs = (await navigator.mediaDevices.enumerateDevices()).filter(d => d.kind === 'audiooutput');
        sink = outputs.find(d => /earpiece|receiver|handset|听筒/i.test(d.label))?.deviceId || '';
      }
      if (this.video.sinkId !== sink) await this.video.setSinkId(sink);
    } catch (e) { /* no permission or no such device: keep the default output */ }
  }
}

if (typeof customElements !== 'undefined') {
  if (!customElements.get('live-pusher')) customElements.define('live-pusher', LivePusherElement);
  if (!customElements.get('live-player')) customElements.define('live-player', LivePlayerElement);
}
export {LivePusherElement, LivePlayerElement};
