// Lianmai web SDK: a trtc-wx-shaped state machine that drives WebRTC against a Lianmai server.
// Plain ES module, no build step, no dependencies. Signalling: docs/protocol.md (v1, WebSocket `/ws`).
//
//   import TRTC from 'https://rtc.example.com/sdk/lianmai-web.js'   // any origin: /sdk/ is served with CORS
//   const trtc = new TRTC(page)                 // page: any object with setData(obj, cb)
//   const pusher = trtc.createPusher({beautyLevel: 9})
//   page.setData({pusher: trtc.enterRoom({sdkAppID, userID, userSig, roomID})}, () => trtc.getPusherInstance().start())
//
// The SDK never calls page.setData itself: like trtc-wx, every state-changing call returns the new state and
// events carry it; the page renders it (the <live-pusher>/<live-player> elements defined below show the media).
//
// The room state machine (signalling, heartbeat, resume/rejoin, members, event and error tables) is the core shared
// with the mini-program SDK, ./lianmai-core.js (served beside this file at /sdk/); this file is its WebRTC adapter:
// capture, one RTCPeerConnection to publish and one per subscribed stream, statistics, and the custom elements.

import {TRTCCore, VERSION, PROTOCOL_VERSION, EVENT, ERROR_CODE, DEFAULT_PUSHER, DEFAULT_PLAYER, CHINESE, copy,
  sdkError, quiet, errorData, present, parseStreamID, QUALITY, QUALITY_THRESHOLDS, networkQuality}
  from './lianmai-core.js';

export {VERSION, parseStreamID, QUALITY, QUALITY_THRESHOLDS, networkQuality};

/** The origin this module was served from (http or https), or null when it was bundled or loaded from a file. */
const SDK_ORIGIN = (() => {
  try {
    const url = new URL(import.meta.url);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch (e) {
    return null;
  }
})();

const instances = new Map();
let nextInstanceId = 1;
let lastInstance = null;

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

/** The rids of the published camera's simulcast encodings (RFC 8851): the small stream and the big one. */
const SMALL_RID = 'l';
/** TRTC's ERR_SCREEN_CAPTURE_START_FAIL: getDisplayMedia failed or the user refused. */
const SCREEN_CAPTURE_FAILED = -1308;
const BIG_RID = 'h';

/**
 * The camera's encodings. One, capped at maxBitrate; with `enableSmallStream` (TRTC's small stream,
 * enableSmallVideoStream / enableEncSmallVideoStream) two simulcast encodings in one m-line: the small one a quarter
 * of the width and height at most 200 kbit/s, and the big one. The small one comes first, as libwebrtc's VP8/H.264
 * simulcast expects the layers in increasing resolution; the server forwards either to each subscriber
 * (switchStreamType, or its own choice by bandwidth).
 */
function videoEncodings(a) {
  const big = {maxBitrate: Math.max(a.minBitrate, a.maxBitrate) * 1000};
  if (!a.enableSmallStream) return [big];
  return [{rid: SMALL_RID, scaleResolutionDownBy: 4, maxBitrate: 200000}, {rid: BIG_RID, ...big}];
}

/**
 * The Opus fmtp parameters (RFC 7587 §6.1) a publication asks for, by the pusher's audioQuality. The server answers
 * the publisher's Opus fmtp as offered, and libwebrtc encodes as the answer says: `stereo=1` makes it encode two
 * channels, `usedtx=1` stop sending during silence (DTX), `maxaveragebitrate` sets its bitrate. 'high' (trtc-wx's
 * default) and anything else keep the browser's own choice (mono, about 32 kbit/s).
 */
const OPUS_QUALITY = {
  speech: {usedtx: '1'},
  low: {usedtx: '1'},
  music: {stereo: '1', 'sprop-stereo': '1', maxaveragebitrate: '128000'},
};

/** `sdp` with `params` set in the fmtp line of every Opus payload type (an SDP is CRLF-separated, RFC 8866 §5). */
function withOpusParameters(sdp, params) {
  if (!params) return sdp;
  const opus = new Set([...sdp.matchAll(/^a=rtpmap:(\d+) opus\/48000/gim)].map(match => match[1]));
  return sdp.split('\r\n').map(line => {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (!fmtp || !opus.has(fmtp[1])) return line;
    const parameters = new Map(fmtp[2].split(';').filter(Boolean).map(pair => {
      const at = pair.indexOf('=');
      return at < 0 ? [pair.trim(), ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    }));
    for (const [key, value] of Object.entries(params)) parameters.set(key, value);
    return `a=fmtp:${fmtp[1]} ` + [...parameters].map(([key, value]) => (value === '' ? key : `${key}=${value}`)).join(';');
  }).join('\r\n');
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
// ---------------------------------------------------------------------------------------------------------------

export default class TRTC extends TRTCCore {
  /**
   * @param ctx the page (any object with setData(obj, callback)); kept for symmetry with trtc-wx
   * @param options {env, logLevel, serverUrl, iceTransportPolicy, recvMode, statsIntervalMs, volumeIntervalMs, requestTimeoutMs,
   *                 reconnectTimeoutMs}
   */
  constructor(ctx, options = {}) {
    super(ctx, options, {statsIntervalMs: 2000, volumeIntervalMs: 500}, '[lianmai]');
    this.instanceId = nextInstanceId++;
    this._viewListeners = new Set();
    instances.set(this.instanceId, this);
    lastInstance = this;
    if (typeof addEventListener === 'function') {
      // Closing the tab: say goodbye at once instead of leaving the others to wait for the timeout.
      addEventListener('pagehide', () => {
        if (this._state === 'joined' && this._sock?.open) {
          this._send({v: PROTOCOL_VERSION, type: 'request', id: ++this._requestId, action: 'leave', data: {}});
        }
      });
    }
  }

  /** Internal: lets the custom elements re-render when media or attributes change. */
  _watch(listener) { this._viewListeners.add(listener); return () => this._viewListeners.delete(listener); }
  _notifyViews() { for (const listener of [...(this._viewListeners || [])]) { try { listener(); } catch (e) { /* view */ } } }

  // ---- state ----------------------------------------------------------------------------------------------------

  _resetMedia() {
    this._subs = new Map();
    this._playerChains = new Map();
    this._previewing = false;
    this._paused = false;
    this._pub = null;
    this._pubFailures = 0;
    this._chain = Promise.resolve();
    this._syncQueued = false;
  }

  // ---- pusher -----------------------------------------------------------------------------------------------------

  _makePusher() {
    const trtc = this;
    return {
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
  }

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
    if (['enableCamera', 'enableSmallStream', 'enableMic', 'beautyLevel', 'whitenessLevel', 'frontCamera'].some(changed)) this._scheduleSync();
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
    // The encodings are fixed when the connection is negotiated: switching the small stream publishes again.
    if (this._pub && this._state === 'joined' && !this._pub.closed && this._pub.videoSender
        && this._pub.smallStream !== !!a.enableSmallStream) await this._unpublish();
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
      // Music is captured in stereo at 48 kHz without echo cancellation (which would mix it down to mono).
      const music = a.audioQuality === 'music';
      const media = await navigator.mediaDevices.getUserMedia({audio: {
        echoCancellation: !music, autoGainControl: !!a.enableAgc, noiseSuppression: !!a.enableAns,
        channelCount: music || a.audioQuality === 'high' ? 2 : 1, sampleRate: 48000}});
      if (epoch !== this._epoch) { media.getTracks().forEach(t => t.stop()); throw sdkError(ERROR_CODE.STATE, 'left', {left: true}); }
      this._mic = media.getAudioTracks()[0];
    } catch (e) {
      if (quiet(e)) throw e;
      a.enableMic = false;
      throw sdkError(ERROR_CODE.MIC_FAILED, 'microphone failed: ' + (e.name || '') + ' ' + (e.message || e));
    }
  }

  /**
   * The peer connections' configuration: the ICE servers the server gave at enter/resume (TURN with this member's
   * credentials), and options.iceTransportPolicy ('relay' sends everything through TURN).
   */
  _rtcConfiguration() {
    const configuration = {iceServers: this._iceServers || []};
    if (this.options.iceTransportPolicy) configuration.iceTransportPolicy = this.options.iceTransportPolicy;
    return configuration;
  }

  async _publish() {
    const a = this._pusherAttrs();
    const pureAudio = !!this._params?.pureAudioMode;
    const pc = new RTCPeerConnection(this._rtcConfiguration());
    const stream = new MediaStream();
    const pub = {pc, stream, audio: !!a.enableMic, video: !!a.enableCamera && !pureAudio, closed: false, stats: {}};
    pub.audioSender = pc.addTransceiver(this._mic || 'audio', {direction: 'sendonly', streams: [stream]}).sender;
    if (!pureAudio) {
      const track = this._sendVideoTrack();
      pub.videoSender = pc.addTransceiver(track || 'video', {direction: 'sendonly', streams: [stream],
        sendEncodings: videoEncodings(a)}).sender;
      pub.smallStream = !!a.enableSmallStream;
    }
    pc.addEventListener('connectionstatechange', () => this._onPublishState(pub));
    this._pub = pub;
    try {
      const opus = OPUS_QUALITY[a.audioQuality];
      if (!await this._negotiatePublication(pub, 'main', {audio: pub.audio, video: pub.video}, opus)) return;
      this._applyBitrate();
      this._log(1, 'published', this._params.userID + '_main', pub.sessionId);
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

  /**
   * Offers a publication's sendonly peer connection to the server as `streamType` (`publish` action) and applies the
   * answer; `opus` are the Opus fmtp parameters the offer asks the server to answer (see OPUS_QUALITY). False when
   * the publication was closed meanwhile.
   */
  async _negotiatePublication(pub, streamType, flags, opus = null) {
    const pc = pub.pc;
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    if (pub.closed) return false;
    const offer = withOpusParameters(pc.localDescription.sdp, opus);
    const data = await this._request('publish', {streamType, offer, ...flags});
    if (pub.closed) return false;
    pub.sessionId = data.sessionId;
    await pc.setRemoteDescription({type: 'answer', sdp: data.answer});
    return true;
  }

  // ---- screen sharing (the aux stream) ----------------------------------------------------------------------------

  /**
   * Lianmai, as TRTC web's startScreenShare: captures a screen, window or tab (getDisplayMedia, video only) and
   * publishes it as this user's aux stream ({userID}_aux), beside the camera. Resolves once the server took it;
   * rejects with -1308 when capture fails or is refused, or -1 when not in the room, an audience, or already sharing.
   * Ending the capture from the browser's own UI unpublishes it as stopScreenShare() does.
   */
  async startScreenShare(options = {}) {
    if (this._state !== 'joined') throw sdkError(ERROR_CODE.STATE, 'enter the room before sharing the screen');
    if (!this._canPublish()) throw sdkError(ERROR_CODE.STATE, 'an audience cannot share the screen');
    if (this._screen) throw sdkError(ERROR_CODE.STATE, 'the screen is already shared');
    const screen = {pc: null, track: null, closed: false, stats: {}};
    this._screen = screen;
    try {
      let media;
      try {
        media = await navigator.mediaDevices.getDisplayMedia({audio: false,
          video: {frameRate: {ideal: options.frameRate || 15}}, ...(options.displayMediaOptions || {})});
      } catch (e) {
        throw sdkError(SCREEN_CAPTURE_FAILED, 'screen capture failed: ' + (e.name || '') + ' ' + (e.message || e));
      }
      screen.track = media.getVideoTracks()[0];
      media.getAudioTracks().forEach(track => track.stop()); // the aux stream is video only, as in TRTC
      if (screen.closed) throw sdkError(ERROR_CODE.STATE, 'screen sharing stopped', {left: true});
      screen.track.contentHint = 'detail';
      screen.track.addEventListener('ended', () => { if (this._screen === screen) this.stopScreenShare().catch(() => {}); });
      screen.pc = new RTCPeerConnection(this._rtcConfiguration());
      screen.pc.addTransceiver(screen.track, {direction: 'sendonly', streams: [new MediaStream([screen.track])],
        sendEncodings: [{maxBitrate: (options.maxBitrate || 1500) * 1000}]});
      if (!await this._negotiatePublication(screen, 'aux', {audio: false, video: true})) {
        throw sdkError(ERROR_CODE.STATE, 'screen sharing stopped', {left: true});
      }
      this._log(1, 'published', this._params.userID + '_aux', screen.sessionId);
    } catch (e) {
      this._closeScreen(screen);
      throw e;
    }
  }

  /** Lianmai: ends screen sharing (the aux stream leaves the room). Resolves when done; nothing to stop is fine. */
  async stopScreenShare() {
    const screen = this._screen;
    if (!screen) return;
    this._closeScreen(screen);
    if (screen.sessionId && this._state === 'joined') {
      await this._request('unpublish', {streamType: 'aux'}).catch(e => this._log(2, 'unpublish aux', e.message));
    }
  }

  /** Stops the capture and closes the aux publication's connection (the server is told elsewhere, if at all). */
  _closeScreen(screen) {
    if (this._screen === screen) this._screen = null;
    screen.closed = true;
    screen.track?.stop();
    screen.pc?.close();
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
    if (tellServer && pub.sessionId && this._sock) {
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
    const big = parameters.encodings.find(encoding => encoding.rid !== SMALL_RID) || parameters.encodings[0];
    big.maxBitrate = Math.max(a.minBitrate, a.maxBitrate) * 1000;
    sender.setParameters(parameters).catch(e => this._log(2, 'setParameters', e.message));
  }

  /**
   * The server's `layers` event (docs/protocol.md): it pauses the simulcast encodings no subscriber watches and asks
   * for them again as soon as one does. Sets `active` per rid with getParameters/setParameters, keeping every other
   * encoding field (maxBitrate, scaleResolutionDownBy); never turns every encoding off. A republished connection
   * starts with all active, and the server decides afresh for it.
   */
  _publishedLayers(streamType, mid, activeRids) {
    const pub = streamType === 'main' ? this._pub : this._screen;
    if (!pub || pub.closed || !pub.pc) return;
    const transceiver = pub.pc.getTransceivers().find(t => t.mid === mid);
    const sender = transceiver ? transceiver.sender : pub.videoSender;
    if (!sender?.getParameters) return;
    const parameters = sender.getParameters();
    const encodings = parameters.encodings || [];
    const active = new Set(activeRids.map(String));
    if (encodings.length < 2 || !encodings.some(encoding => active.has(encoding.rid))) return;
    let changed = false;
    for (const encoding of encodings) {
      if (!encoding.rid) continue;
      const on = active.has(encoding.rid);
      if (encoding.active !== on) { encoding.active = on; changed = true; }
    }
    if (!changed) return;
    this._log(1, 'simulcast encodings sent', streamType, [...active].join(','));
    sender.setParameters(parameters).catch(e => this._log(2, 'setParameters', e.message));
  }

  // ---- room -------------------------------------------------------------------------------------------------------

  _validateRoom(params) {
    const strRoomID = params.strRoomID;
    if (present(strRoomID)) {
      if (CHINESE.test(String(strRoomID))) return [ERROR_CODE.ROOM_ID_INVALID, 'strRoomID must not contain Chinese characters'];
      if (String(strRoomID).length > 64) return [ERROR_CODE.ROOM_ID_INVALID, 'strRoomID is longer than 64 characters'];
      return null;
    }
    const invalid = super._validateRoom(params);
    return invalid && [invalid[0], invalid[1] + ' (or give strRoomID)'];
  }

  _serverWsUrl() {
    // Without serverUrl the server is the one this SDK was loaded from: an app's page on its own origin imports
    // https://rtc.example.com/sdk/lianmai-web.js and talks to rtc.example.com, not to its own host. A bundled copy
    // (a file: or blob: URL) falls back to the page's origin.
    const base = this.options.serverUrl || (SDK_ORIGIN ? SDK_ORIGIN + '/' : null);
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
    try { return new URL(this._serverWsUrl()).host; } catch (e) { return 'lianmai'; }
  }

  /** The pusher url: room://{host}/rtc?… (no UserSig: it ends up in the DOM; `instance` finds this object). */
  _prepareEnter(p, a) {
    const q = new URLSearchParams({sdkappid: p.sdkAppID});
    if (p.strRoomID) q.set('strroomid', p.strRoomID); else q.set('roomid', p.roomID);
    q.set('userid', p.userID);
    q.set('appscene', p.scene === 'live' ? 'live' : 'videocall');
    q.set('role', p.role);
    if (p.streamID) q.set('streamid', p.streamID);
    q.set('instance', this.instanceId);
    a.mode = 'RTC';
    return `room://${this._host()}/rtc?${q}`;
  }

  enterRoom(params = {}) {
    const attrs = super.enterRoom(params);
    this._notifyViews();
    return attrs;
  }

  /** Stops media, closes the socket, resets room and pusher state (no events). */
  _leaveLocally() {
    if (this._pub) { this._pub.closed = true; this._pub.pc.close(); }
    if (this._screen) this._closeScreen(this._screen);
    for (const sub of this._subs.values()) { sub.closed = true; sub.pc.close(); }
    this._releaseCamera();
    if (this._mic) { this._mic.stop(); this._mic = null; }
    super._leaveLocally();
    this._notifyViews();
  }

  async _roleSwitched(role) {
    if (role === 'audience' && this._pub) await this._unpublish(false); // the server unpublished already
    if (role === 'audience' && this._screen) this._closeScreen(this._screen);
    this._scheduleSync();
  }

  // ---- signalling -------------------------------------------------------------------------------------------------

  _openSocket(url, handlers) {
    const ws = new WebSocket(url);
    ws.onopen = () => handlers.open();
    ws.onmessage = event => handlers.message(event.data);
    ws.onclose = event => handlers.gone(`socket closed (${event.code}${event.reason ? ' ' + event.reason : ''})`);
    ws.onerror = () => {};
    return {send: text => ws.send(text), close: (code, reason) => ws.close(code, reason)};
  }

  _joinedIntervals() {
    return [[() => this._collectStats(), this.options.statsIntervalMs],
      [() => this._collectVolume(), this.options.volumeIntervalMs]];
  }

  _afterJoin(how) {
    if (how !== 'fresh') return;
    // The server forgot us: every media session is gone; publish and subscribe again.
    if (this._pub) { this._pub.closed = true; this._pub.pc.close(); this._pub = null; }
    // The screen capture cannot be re-shared without the user choosing again: sharing ends with the old session.
    if (this._screen) this._closeScreen(this._screen);
    for (const [streamID, sub] of this._subs) { sub.closed = true; sub.pc.close(); this._subs.delete(streamID); }
  }

  _afterReconcile(how) {
    if (how === 'resume' && this._pub) {
      // Re-announce our flags in case a mute was lost with the old socket.
      this._pub.audio = !this._pub.audio;
      this._pub.video = !this._pub.video;
    }
    this._scheduleSync();
    for (const streamID of this._players.keys()) this._schedulePlayerSync(streamID);
  }

  // ---- remote players ---------------------------------------------------------------------------------------------

  _initPlayer(player) {
    const a = player.attrs;
    const q = new URLSearchParams({userid: a.userID, streamtype: a.streamType, streamid: a.streamID, instance: this.instanceId});
    player.stream = null;
    a.src = `room://${this._host()}/rtc?${q}`;
  }

  _streamFlags(player, flags) {
    if (flags === null && this._subs.has(player.streamID)) this._subs.get(player.streamID).ended = true; // the server ended it
    return false;
  }

  _streamApplied(player) {
    this._schedulePlayerSync(player.streamID);
    this._notifyViews();
  }

  _playerAttributesChanged(streamID, before, player) {
    if (before.muteAudio !== player.attrs.muteAudio || before.muteVideo !== player.attrs.muteVideo) {
      this._schedulePlayerSync(streamID);
    }
    this._notifyViews();
  }

  /** The server switches the subscription's simulcast layer (big = highest bitrate, small = lowest). */
  _streamTypeSwitched(streamID, player) {
    if (this._subs.has(streamID)) {
      this._request('setStreamType', {streamID, streamType: player.attrs.smallStream ? 'small' : 'big'})
        .catch(error => this._log(2, 'switchStreamType', error));
    }
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
    const pc = new RTCPeerConnection(this._rtcConfiguration());
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
      // stereo=1 in our own Opus fmtp is what makes libwebrtc decode two channels (a music publisher's stereo).
      const offer = await pc.createOffer();
      await pc.setLocalDescription({type: 'offer', sdp: withOpusParameters(offer.sdp, {stereo: '1'})});
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

  /**
   * Reads one peer connection's stats into trtc-wx netStatus fields (bitrates in kbps, loss in % over the interval,
   * rtt and netJitter in ms) and grades the path (QUALITY, by the core's networkQuality): a publisher's from what the
   * server reports of our stream (remote-inbound-rtp roundTripTime and jitter; loss is the larger of the packets the
   * server asked us to resend, outbound-rtp retransmittedPacketsSent, and those it still lacks, remote-inbound-rtp
   * packetsLost, against what we sent), a player's from what we receive (inbound-rtp packetsLost and jitter, the
   * candidate pair's currentRoundTripTime).
   * Jitter is the audio stream's where there is one: video frames leave in bursts, which is not the network's doing.
   * A connection that is disconnected or failed is DOWN. Returns {net, level}.
   */
  async _netStatus(pc, prev, direction) {
    const report = await pc.getStats();
    const now = Date.now();
    const net = {};
    const jitter = {};
    let bytes = {audio: 0, video: 0}, packets = 0, lost = 0, sent = 0, resent = 0, remoteLost, fractionLost;
    report.forEach(s => {
      if (s.type === direction && (s.kind === 'audio' || s.kind === 'video')) {
        bytes[s.kind] += (direction === 'outbound-rtp' ? s.bytesSent : s.bytesReceived) || 0;
        if (s.kind === 'video') {
          if (s.framesPerSecond !== undefined) net.videoFPS = Math.round(s.framesPerSecond);
          if (s.frameWidth) { net.videoWidth = s.frameWidth; net.videoHeight = s.frameHeight; }
        }
        if (direction === 'inbound-rtp') {
          packets += s.packetsReceived || 0; lost += s.packetsLost || 0;
          if (typeof s.jitter === 'number') jitter[s.kind] = s.jitter;
        } else {
          sent += s.packetsSent || 0;
          resent += s.retransmittedPacketsSent || 0;
        }
      }
      if (s.type === 'remote-inbound-rtp' && direction === 'outbound-rtp') {
        if (typeof s.fractionLost === 'number') fractionLost = Math.max(fractionLost || 0, s.fractionLost);
        if (typeof s.roundTripTime === 'number') net.rtt = Math.round(s.roundTripTime * 1000);
        if (typeof s.jitter === 'number') jitter[s.kind] = s.jitter;
        remoteLost = (remoteLost || 0) + Math.max(0, s.packetsLost || 0);
      }
      if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') {
        net.rtt = Math.round(s.currentRoundTripTime * 1000);
      }
    });
    const netJitter = jitter.audio !== undefined ? jitter.audio : jitter.video;
    if (netJitter !== undefined) net.netJitter = Math.round(netJitter * 1000);
    if (fractionLost !== undefined) net.loss = Math.round(fractionLost * 100);
    if (prev.time) {
      const seconds = (now - prev.time) / 1000;
      net.videoBitrate = Math.max(0, Math.round((bytes.video - prev.video) * 8 / 1000 / seconds));
      net.audioBitrate = Math.max(0, Math.round((bytes.audio - prev.audio) * 8 / 1000 / seconds));
      net.netSpeed = net.videoBitrate + net.audioBitrate;
      if (direction === 'inbound-rtp') {
        const dp = packets - (prev.packets || 0), dl = lost - (prev.lost || 0);
        net.loss = dp + dl > 0 ? Math.max(0, Math.round(dl * 100 / (dp + dl))) : 0;
      } else if (sent - resent > prev.sent - prev.resent) {
        // Every packet the server did not get first time it NACKs (RFC 4585 §6.2.1) and we resend; what it still
        // lacks its receiver reports count (RFC 3550 §6.4.1, cumulative number lost): audio, which is not resent.
        const original = (sent - resent) - (prev.sent - prev.resent);
        const missing = Math.max(resent - prev.resent,
          remoteLost !== undefined && prev.remoteLost !== undefined ? remoteLost - prev.remoteLost : 0);
        net.loss = Math.min(100, Math.max(0, Math.round(missing * 100 / original)));
      }
    }
    if (net.videoWidth) net.resolution = `${net.videoWidth}x${net.videoHeight}`;
    Object.assign(prev, {time: now, audio: bytes.audio, video: bytes.video, packets, lost, sent, resent, remoteLost});
    const gone = pc.connectionState === 'disconnected' || pc.connectionState === 'failed';
    return {net, level: gone ? QUALITY.DOWN : networkQuality({loss: net.loss, rtt: net.rtt, jitter: net.netJitter})};
  }

  async _collectStats() {
    try {
      let any = false;
      for (const [streamID, sub] of this._subs) {
        const player = this._players.get(streamID);
        if (!player || !sub.sessionId || sub.closed) continue;
        const stats = await this._netStatus(sub.pc, sub.stats, 'inbound-rtp');
        this._playerNetState(player, stats.net, stats.level);
        any = true;
      }
      if (any) this._emit(EVENT.REMOTE_NET_STATE_UPDATE, {playerList: this.getPlayerList()});
      if (this._pub?.sessionId) {
        const stats = await this._netStatus(this._pub.pc, this._pub.stats, 'outbound-rtp');
        this._localNetState(stats.net, stats.level);
      }
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
TRTC.QUALITY = QUALITY;
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
