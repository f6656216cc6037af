// Type declarations for lianmai-wx.js (Lianmai mini-program SDK, trtc-wx-shaped). Protocol: docs/protocol.md v1.
// CommonJS: `import TRTC from './lianmai-wx'` (mini-program compiler) or `const TRTC = require('./lianmai-wx')`.
// What both SDKs share (sdk/core/lianmai-core.d.ts) is included here, so this stays one file to copy.

//#include ../../core/lianmai-core.d.ts

export interface TRTCOptions extends CoreOptions {
  /**
   * The Lianmai server (required): https://host[:port] or wss://host[:port] (signalling at /ws), or a full
   * ws(s)://host[:port]/path. Production mini programs need wss:// on a registered socket domain; ws:// works in the
   * developer tools with domain checks off.
   */
  serverUrl: string;
  /**
   * RTMP ingest base, e.g. rtmp://host:1935/live. Default: rtmp://{serverUrl's host}:1935/live until `enter` answers
   * with the server's own (live.rtmp). Give it when RTMP is elsewhere, so the pusher url is right from enterRoom on.
   */
  rtmpUrl?: string;
  /** HTTP-FLV base, e.g. https://cdn.example.com/live. Default: the server's (live.flv), else {serverUrl}/live. */
  flvUrl?: string;
}

export interface EnterRoomParams extends CoreEnterRoomParams {
  /** 1..4294967295. strRoomID is refused (-3318): live stream names carry a numeric room. */
  roomID: number | string;
  /** Accepted, not used: the RTMP stream name is {sdkAppID}_{roomID}_{userID}_main, which the server authenticates. */
  streamID?: string;
  /** Sets enableCamera false and announces audio only. */
  pureAudioMode?: boolean;
}

export interface EventDataMap extends CoreEventDataMap {
  /** A <live-player>'s bindstatechange (code: WeChat's live-player state code). */
  REMOTE_STATE_UPDATE: { player: PlayerAttributes; code: number; message: string; playerList: PlayerAttributes[] };
  VIDEO_FULLSCREEN_UPDATE: { streamID?: string; fullScreen: boolean; direction?: number };
}

export interface TRTCEvent<K extends EventName = EventName> { eventCode: K; data: EventDataMap[K]; }

/** Options every native call accepts, as WeChat's LivePusherContext/LivePlayerContext methods do. */
export interface NativeCallOptions {
  success?: (res: any) => void;
  fail?: (err: { errMsg: string }) => void;
  complete?: (res: any) => void;
  [key: string]: unknown;
}

/** The <live-pusher>'s controls (wx.createLivePusherContext()) and its state. */
export interface Pusher {
  /** The live state object (the methods below return copies). */
  pusherAttributes: PusherAttributes;
  /** Starts pushing to `url`; call it once the page rendered the url (the setData callback). */
  start(options?: NativeCallOptions): PusherAttributes;
  stop(options?: NativeCallOptions): PusherAttributes;
  pause(options?: NativeCallOptions): PusherAttributes;
  resume(options?: NativeCallOptions): PusherAttributes;
  /** Flips (or sets) frontCamera and switches the native camera. */
  switchCamera(frontCamera?: 'front' | 'back' | NativeCallOptions): PusherAttributes;
  startPreview(options?: NativeCallOptions): PusherAttributes;
  stopPreview(options?: NativeCallOptions): PusherAttributes;
  snapshot(options?: NativeCallOptions | 'raw' | 'compressed'): Promise<Snapshot>;
  /** An SEI message in the pushed stream (live-pusher's sendMessage). */
  sendMessage(options: string | ({ msg: string } & NativeCallOptions)): Promise<unknown>;
  toggleTorch(options?: NativeCallOptions): Promise<unknown>;
  playBGM(options: { url: string } & NativeCallOptions): Promise<unknown>;
  pauseBGM(options?: NativeCallOptions): Promise<unknown>;
  resumeBGM(options?: NativeCallOptions): Promise<unknown>;
  stopBGM(options?: NativeCallOptions): Promise<unknown>;
  setBGMVolume(options: { volume: number } & NativeCallOptions): Promise<unknown>;
  setMICVolume(options: { volume: number } & NativeCallOptions): Promise<unknown>;
}

/** One <live-player id="{streamID}">'s controls (wx.createLivePlayerContext(streamID, page)). */
export interface Player {
  streamID: string;
  play(options?: NativeCallOptions): Promise<unknown>;
  stop(options?: NativeCallOptions): Promise<unknown>;
  mute(options?: NativeCallOptions): Promise<unknown>;
  pause(options?: NativeCallOptions): Promise<unknown>;
  resume(options?: NativeCallOptions): Promise<unknown>;
  requestFullScreen(options?: { direction?: 0 | 90 | -90 } & NativeCallOptions): Promise<unknown>;
  exitFullScreen(options?: NativeCallOptions): Promise<unknown>;
  requestExitFullScreen(options?: NativeCallOptions): Promise<unknown>;
  snapshot(options?: NativeCallOptions | 'raw' | 'compressed'): Promise<Snapshot>;
}

/** A WeChat component event as the page receives it (bindstatechange, bindnetstatus, …). */
export interface ElementEvent {
  detail?: { code?: number; message?: string; info?: Record<string, unknown>; volume?: number; errCode?: number;
    errMsg?: string; progress?: number; duration?: number; fullScreen?: boolean; direction?: number };
  currentTarget?: { id?: string; dataset?: { streamid?: string } };
  target?: { id?: string; dataset?: { streamid?: string } };
}

declare class TRTC {
  constructor(ctx: PageContext, options: TRTCOptions);
  static readonly EVENT: typeof EVENT;
  static readonly ERROR_CODE: typeof ERROR_CODE;
  static readonly VERSION: string;
  static readonly QUALITY: typeof QUALITY;
  static parseStreamID(streamID: string): { userID: string; streamType: string };
  static readonly default: typeof TRTC;

  ctx: PageContext;
  /** The options given to the constructor, over the defaults. */
  readonly options: Readonly<TRTCOptions>;

  /** <live-pusher bindstatechange>: -1301…-1308 become ERROR; 1002 (pushing) announces mic/camera to the room. */
  pusherEventHandler(event: ElementEvent): void;
  /** <live-pusher bindnetstatus>: LOCAL_NET_STATE_UPDATE with netStatus = detail.info plus the quality levels. */
  pusherNetStatusHandler(event: ElementEvent): void;
  /** <live-pusher binderror>: ERROR {code: errCode, message: errMsg}. */
  pusherErrorHandler(event: ElementEvent): void;
  pusherBGMStartHandler(event?: ElementEvent): void;
  pusherBGMProgressHandler(event: ElementEvent): void;
  pusherBGMCompleteHandler(event?: ElementEvent): void;
  /** <live-pusher bindaudiovolumenotify>: LOCAL_AUDIO_VOLUME_UPDATE with volume. */
  pusherAudioVolumeNotify(event: ElementEvent): void;
  /** <live-player bindstatechange> (data-streamid or id names the player): REMOTE_STATE_UPDATE; code < 0 also PLAYER_WARNING. */
  playerEventHandler(event: ElementEvent): void;
  playerFullscreenChange(event: ElementEvent): void;
  /** <live-player bindnetstatus>: REMOTE_NET_STATE_UPDATE with that player's netStatus = detail.info plus levels. */
  playerNetStatus(event: ElementEvent): void;
  playerAudioVolumeNotify(event: ElementEvent): void;
}
/**
 * The room members every SDK has (sdk/core), typed for mini programs. Here setPusherAttributes also announces
 * enableMic/enableCamera changes to the room (`mute`); switchStreamType only toggles smallStream (HTTP-FLV has one
 * rendition); switchRole('anchor') sets the pusher url (then start()), switchRole('audience') stops the pusher.
 */
interface TRTC extends TRTCRoom<Pusher, Player, EventDataMap, EnterRoomParams> {}

export default TRTC;
