// Type declarations for lianmai-wx.js (Lianmai mini-program SDK, trtc-wx-shaped). Protocol: docs/protocol.md v1.
// CommonJS: `import TRTC from './lianmai-wx'` (mini-program compiler) or `const TRTC = require('./lianmai-wx')`.

export type EventName =
  | 'LOCAL_JOIN' | 'LOCAL_LEAVE' | 'KICKED_OUT'
  | 'REMOTE_USER_JOIN' | 'REMOTE_USER_LEAVE'
  | 'REMOTE_VIDEO_ADD' | 'REMOTE_VIDEO_REMOVE' | 'REMOTE_AUDIO_ADD' | 'REMOTE_AUDIO_REMOVE'
  | 'REMOTE_STATE_UPDATE' | 'LOCAL_NET_STATE_UPDATE' | 'REMOTE_NET_STATE_UPDATE'
  | 'LOCAL_AUDIO_VOLUME_UPDATE' | 'REMOTE_AUDIO_VOLUME_UPDATE'
  | 'VIDEO_FULLSCREEN_UPDATE' | 'BGM_PLAY_START' | 'BGM_PLAY_FAIL' | 'BGM_PLAY_PROGRESS' | 'BGM_PLAY_COMPLETE'
  | 'PLAYER_WARNING' | 'ERROR'
  | 'IM_READY' | 'IM_MESSAGE_RECEIVED' | 'IM_NOT_READY' | 'IM_KICKED_OUT' | 'IM_ERROR'
  | 'CONNECTION_STATE_UPDATE' | 'REMOTE_USER_ROLE_UPDATE';

declare const EVENT: { readonly [K in EventName]: K };

declare const ERROR_CODE: {
  readonly CAMERA_FAILED: -1301;
  readonly MIC_FAILED: -1302;
  readonly PUSH_CONNECTION_LOST: -1307;
  readonly INVALID_PARAMETER: -2;
  readonly STATE: -1;
  readonly USERSIG_FAILED: -100018;
  readonly ENTER_ROOM_FAILED: -3301;
  readonly ROOM_ID_INVALID: -3318;
  readonly USER_ID_INVALID: -3319;
};

/** Anything with setData(obj, callback), e.g. a page object. The SDK never calls it itself. */
export interface PageContext {
  setData(data: Record<string, unknown>, callback?: () => void): void;
  [key: string]: unknown;
}

export interface TRTCOptions {
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
  /** 'test' silences every log line. */
  env?: string;
  /** 0 debug, 1 info (default), 2 warn, 3 error. */
  logLevel?: number;
  /** Default recvMode when enterRoom has none. */
  recvMode?: RecvMode;
  /** per-request timeout (ms, default 10000). */
  requestTimeoutMs?: number;
  /** give up reconnecting after this long (ms, default 60000): ERROR -1307 then KICKED_OUT {reason: 'network'}. */
  reconnectTimeoutMs?: number;
}

/** Initial player mutes: 1 none (audio+video), 2 muteVideo, 3 muteAudio, 4 both (the app unmutes what it plays). */
export type RecvMode = 1 | 2 | 3 | 4;

export interface EnterRoomParams {
  sdkAppID: number | string;
  userID: string;
  userSig: string;
  /** 1..4294967295. strRoomID is refused (-3318): live stream names carry a numeric room. */
  roomID: number | string;
  scene?: 'rtc' | 'live';
  role?: 'anchor' | 'audience';
  privateMapKey?: string;
  enableMic?: boolean;
  enableCamera?: boolean;
  /** Accepted, not used: the RTMP stream name is {sdkAppID}_{roomID}_{userID}_main, which the server authenticates. */
  streamID?: string;
  /** Accepted, not used by protocol v1. */
  userDefineRecordID?: string;
  /** Sets enableCamera false and announces audio only. */
  pureAudioMode?: boolean;
  recvMode?: RecvMode;
}

/** A live-pusher/live-player bindnetstatus `detail.info`, as WeChat reports it. */
export interface NetStatus {
  videoBitrate?: number;  // kbps
  audioBitrate?: number;  // kbps
  netSpeed?: number;      // kbps, video + audio
  videoFPS?: number;
  videoWidth?: number;
  videoHeight?: number;
  resolution?: string;    // "WxH"
  rtt?: number;           // ms
  loss?: number;          // percent
  netJitter?: number;     // ms (players)
  [key: string]: unknown;
}

export interface PusherAttributes {
  url: string;
  mode: 'RTC' | string;
  autopush: boolean;
  enableCamera: boolean;
  enableMic: boolean;
  enableAgc: boolean;
  enableAns: boolean;
  enableEarMonitor: boolean;
  enableAutoFocus: boolean;
  enableZoom: boolean;
  minBitrate: number;
  maxBitrate: number;
  videoWidth: number;
  videoHeight: number;
  beautyLevel: number;
  whitenessLevel: number;
  videoOrientation: 'vertical' | 'horizontal' | string;
  videoAspect: '9:16' | '3:4' | string;
  frontCamera: 'front' | 'back';
  enableRemoteMirror: boolean;
  localMirror: 'auto' | 'enable' | 'disable';
  enableBackgroundMute: boolean;
  audioQuality: 'high' | 'low' | string;
  audioVolumeType: 'voicecall' | 'media' | 'auto' | string;
  audioReverbType: number;
  waitingImage: string;
  beautyStyle: 'smooth' | 'nature' | string;
  filter: string;
  netStatus: NetStatus;
  volume?: number;
  [key: string]: unknown;
}

export interface PlayerAttributes {
  userID: string;
  streamType: 'main' | 'aux';
  streamID: string;
  id: string;
  src: string;
  hasVideo: boolean;
  hasAudio: boolean;
  volume: number;
  mode: 'RTC' | string;
  autoplay: boolean;
  muteAudio: boolean;
  muteVideo: boolean;
  orientation: 'vertical' | 'horizontal';
  objectFit: 'fillCrop' | 'contain' | 'fill';
  enableBackgroundMute: boolean;
  minCache: number;
  maxCache: number;
  soundMode: 'speaker' | 'ear';
  enableRecvMessage: boolean;
  autoPauseIfNavigate: boolean;
  autoPauseIfOpenNative: boolean;
  isVisible: boolean;
  netStatus: NetStatus;
  /** Toggled by switchStreamType; HTTP-FLV has one rendition, so it changes nothing (Lianmai addition). */
  smallStream?: boolean;
  [key: string]: unknown;
}

export interface RemoteUser {
  userID: string;
  role: 'anchor' | 'audience';
  hasMainVideo: boolean;
  hasMainAudio: boolean;
  hasAuxVideo: boolean;
}

export interface ErrorData { code: number; message: string; }
export interface PlayerEventData { player: PlayerAttributes; userList: RemoteUser[]; playerList: PlayerAttributes[]; }
export interface UserEventData { userID: string; reason?: string; userList: RemoteUser[]; playerList: PlayerAttributes[]; }
export interface CustomMessageData {
  userID: string;
  cmdID: number;
  data: string;
  /** the same, shaped like an IM message */
  message: { from: string; cmdID: number; payload: { data: string } };
}

export interface EventDataMap {
  LOCAL_JOIN: {};
  LOCAL_LEAVE: {};
  KICKED_OUT: { reason?: 'duplicate-login' | 'removed' | 'room-dismissed' | 'network' | 'rejoin-failed' | string; message?: string };
  REMOTE_USER_JOIN: UserEventData;
  REMOTE_USER_LEAVE: UserEventData;
  REMOTE_VIDEO_ADD: PlayerEventData;
  REMOTE_VIDEO_REMOVE: PlayerEventData;
  REMOTE_AUDIO_ADD: PlayerEventData;
  REMOTE_AUDIO_REMOVE: PlayerEventData;
  /** A <live-player>'s bindstatechange (code: WeChat's live-player state code). */
  REMOTE_STATE_UPDATE: { player: PlayerAttributes; code: number; message: string; playerList: PlayerAttributes[] };
  LOCAL_NET_STATE_UPDATE: { pusher: PusherAttributes };
  REMOTE_NET_STATE_UPDATE: { playerList: PlayerAttributes[] };
  LOCAL_AUDIO_VOLUME_UPDATE: { pusher: PusherAttributes };
  REMOTE_AUDIO_VOLUME_UPDATE: { playerList: PlayerAttributes[] };
  VIDEO_FULLSCREEN_UPDATE: { streamID?: string; fullScreen: boolean; direction?: number };
  BGM_PLAY_START: {};
  BGM_PLAY_FAIL: ErrorData;
  BGM_PLAY_PROGRESS: { progress: number; duration: number };
  BGM_PLAY_COMPLETE: {};
  PLAYER_WARNING: ErrorData & { streamID: string };
  ERROR: ErrorData;
  IM_READY: {};
  IM_MESSAGE_RECEIVED: CustomMessageData;
  IM_NOT_READY: {};
  IM_KICKED_OUT: {};
  IM_ERROR: ErrorData;
  CONNECTION_STATE_UPDATE: { state: 'reconnecting' | 'connected' | 'disconnected'; reason?: string; how?: 'resume' | 'fresh' };
  REMOTE_USER_ROLE_UPDATE: { userID: string; role: 'anchor' | 'audience'; userList: RemoteUser[]; playerList: PlayerAttributes[] };
}

export interface TRTCEvent<K extends EventName = EventName> { eventCode: K; data: EventDataMap[K]; }

export interface Snapshot { tempImagePath: string; width: number; height: number; }

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
  static parseStreamID(streamID: string): { userID: string; streamType: string };
  static readonly default: typeof TRTC;

  readonly EVENT: typeof EVENT;
  readonly ERROR_CODE: typeof ERROR_CODE;
  ctx: PageContext;

  on<K extends EventName>(name: K, handler: (event: TRTCEvent<K>) => void, context?: unknown): void;
  off(name?: EventName, handler?: Function): void;
  setLogLevel(level: number): void;

  createPusher(attrs?: Partial<PusherAttributes>): Pusher;
  getPusherInstance(): Pusher;
  getPusherAttributes(): PusherAttributes;
  /** Merges; enableMic/enableCamera changes are also announced to the room (`mute`). */
  setPusherAttributes(attrs: Partial<PusherAttributes>): PusherAttributes;

  /** Validates, sets the pusher url (rtmp://…?usersig=…), opens the signalling socket; returns pusher attributes. */
  enterRoom(params: EnterRoomParams): PusherAttributes;
  /** Sends leave, stops a started pusher, resets; emits LOCAL_LEAVE. */
  exitRoom(): { pusher: PusherAttributes; playerList: PlayerAttributes[] };

  getPlayerList(): PlayerAttributes[];
  setPlayerAttributes(streamID: string, attrs: Partial<PlayerAttributes>): PlayerAttributes[];
  getPlayerInstance(streamID: string): Player;
  /** Toggles the smallStream attribute only (HTTP-FLV has one rendition). */
  switchStreamType(streamID: string): PlayerAttributes[];

  /** Lianmai: live rooms; resolves once the server agreed. To anchor sets the pusher url (then start()); to audience stops the pusher. */
  switchRole(role: 'anchor' | 'audience'): Promise<'anchor' | 'audience'>;
  /** Lianmai: room-wide custom message (cmdID 1..10, ≤ 1 KiB); others get IM_MESSAGE_RECEIVED. */
  sendCustomMessage(cmdID: number, data: string | object): Promise<void>;

  /** <live-pusher bindstatechange>: -1301…-1308 become ERROR; 1002 (pushing) announces mic/camera to the room. */
  pusherEventHandler(event: ElementEvent): void;
  /** <live-pusher bindnetstatus>: LOCAL_NET_STATE_UPDATE with netStatus = detail.info. */
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
  playerNetStatus(event: ElementEvent): void;
  playerAudioVolumeNotify(event: ElementEvent): void;
}

export default TRTC;
