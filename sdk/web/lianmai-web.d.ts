// Type declarations for lianmai-web.js (Lianmai web SDK, trtc-wx-shaped). Protocol: docs/protocol.md v1.

export declare const VERSION: string;

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

export declare const EVENT: { readonly [K in EventName]: K };

export declare const ERROR_CODE: {
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
  /** 'test' silences every log line. */
  env?: string;
  /** 0 debug, 1 info (default), 2 warn, 3 error. */
  logLevel?: number;
  /** Signalling endpoint: ws(s)://host[:port]/ws or http(s)://host[:port] ("/ws" appended). Default: same origin /ws. */
  serverUrl?: string;
  /** Default recvMode when enterRoom has none. */
  recvMode?: RecvMode;
  /** getStats() period for *_NET_STATE_UPDATE (ms, default 2000). */
  statsIntervalMs?: number;
  /** period of *_AUDIO_VOLUME_UPDATE (ms, default 500). */
  volumeIntervalMs?: number;
  /** per-request timeout (ms, default 10000). */
  requestTimeoutMs?: number;
  /** give up reconnecting after this long (ms, default 60000): ERROR -1307 then KICKED_OUT {reason: 'network'}. */
  reconnectTimeoutMs?: number;
}

/** 1 auto audio+video, 2 audio only, 3 video only, 4 manual (subscribe what the app unmutes). */
export type RecvMode = 1 | 2 | 3 | 4;

export interface EnterRoomParams {
  sdkAppID: number | string;
  userID: string;
  userSig: string;
  roomID?: number | string;
  strRoomID?: string;
  scene?: 'rtc' | 'live';
  role?: 'anchor' | 'audience';
  privateMapKey?: string;
  enableMic?: boolean;
  enableCamera?: boolean;
  /** Accepted and put into the pusher url; CDN names are chosen by the server. */
  streamID?: string;
  /** Accepted, not used by protocol v1. */
  userDefineRecordID?: string;
  /** Publish audio only (no video m-line). */
  pureAudioMode?: boolean;
  recvMode?: RecvMode;
}

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
  /** Set by switchStreamType: true while the small simulcast layer is requested (Lianmai addition). */
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
  REMOTE_STATE_UPDATE: { player: PlayerAttributes; state: RTCPeerConnectionState; playerList: PlayerAttributes[] };
  LOCAL_NET_STATE_UPDATE: { pusher: PusherAttributes };
  REMOTE_NET_STATE_UPDATE: { playerList: PlayerAttributes[] };
  LOCAL_AUDIO_VOLUME_UPDATE: { pusher: PusherAttributes };
  REMOTE_AUDIO_VOLUME_UPDATE: { playerList: PlayerAttributes[] };
  VIDEO_FULLSCREEN_UPDATE: { streamID?: string; fullScreen?: boolean };
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

export interface Pusher {
  /** The live state object (the methods below return copies). */
  pusherAttributes: PusherAttributes;
  start(options?: { success?: () => void }): PusherAttributes;
  stop(options?: { success?: () => void }): PusherAttributes;
  pause(): PusherAttributes;
  resume(): PusherAttributes;
  switchCamera(frontCamera?: 'front' | 'back'): PusherAttributes;
  startPreview(): PusherAttributes;
  stopPreview(): PusherAttributes;
  snapshot(): Promise<Snapshot>;
  /** = trtc.sendCustomMessage(1, msg) */
  sendMessage(msg: string | { msg: string }): Promise<void>;
  toggleTorch(): Promise<void>;
  /** Not supported on the web: emits BGM_PLAY_FAIL. */
  playBGM(options?: { url: string }): void;
  pauseBGM(): void;
  resumeBGM(): void;
  stopBGM(): void;
  setBGMVolume(options?: { volume: number }): void;
  /** Stored only. */
  setMICVolume(options?: { volume: number }): void;
}

export interface Player {
  streamID: string;
  play(): PlayerAttributes[];
  stop(): PlayerAttributes[];
  mute(muted?: boolean): PlayerAttributes[];
  pause(): PlayerAttributes[];
  resume(): PlayerAttributes[];
  requestFullScreen(options?: { direction?: 0 | 90 | -90 }): Promise<void>;
  requestExitFullScreen(): Promise<void>;
  snapshot(): Promise<Snapshot>;
}

export default class TRTC {
  constructor(ctx?: PageContext | null, options?: TRTCOptions);
  static readonly EVENT: typeof EVENT;
  static readonly ERROR_CODE: typeof ERROR_CODE;
  static readonly VERSION: string;
  /** The instance a room:// url (…&instance=N) belongs to, or the most recently created one. */
  static fromUrl(url?: string | null): TRTC | null;

  readonly EVENT: typeof EVENT;
  readonly ERROR_CODE: typeof ERROR_CODE;
  readonly instanceId: number;
  ctx: PageContext | null | undefined;

  on<K extends EventName>(name: K, handler: (event: TRTCEvent<K>) => void, context?: unknown): void;
  off(name?: EventName, handler?: Function): void;
  setLogLevel(level: number): void;

  createPusher(attrs?: Partial<PusherAttributes>): Pusher;
  getPusherInstance(): Pusher;
  getPusherAttributes(): PusherAttributes;
  setPusherAttributes(attrs: Partial<PusherAttributes>): PusherAttributes;

  enterRoom(params: EnterRoomParams): PusherAttributes;
  exitRoom(): { pusher: PusherAttributes; playerList: PlayerAttributes[] };

  getPlayerList(): PlayerAttributes[];
  setPlayerAttributes(streamID: string, attrs: Partial<PlayerAttributes>): PlayerAttributes[];
  getPlayerInstance(streamID: string): Player;
  switchStreamType(streamID: string): PlayerAttributes[];

  /** Lianmai: live rooms; resolves with the role once the server agreed (rejects with {code, message}). */
  switchRole(role: 'anchor' | 'audience'): Promise<'anchor' | 'audience'>;
  /** Lianmai: room-wide custom message (cmdID 1..10, ≤ 1 KiB); others get IM_MESSAGE_RECEIVED. */
  sendCustomMessage(cmdID: number, data: string | object): Promise<void>;

  /** trtc-wx's element event forwarders: no-ops on the web (the elements report through the SDK). */
  pusherEventHandler(event?: unknown): void;
  pusherNetStatusHandler(event?: unknown): void;
  pusherErrorHandler(event?: unknown): void;
  pusherBGMStartHandler(event?: unknown): void;
  pusherBGMProgressHandler(event?: unknown): void;
  pusherBGMCompleteHandler(event?: unknown): void;
  pusherAudioVolumeNotify(event?: unknown): void;
  playerEventHandler(event?: unknown): void;
  playerFullscreenChange(event?: unknown): void;
  playerNetStatus(event?: unknown): void;
  playerAudioVolumeNotify(event?: unknown): void;
}

export declare function parseStreamID(streamID: string): { userID: string; streamType: string };

/** <live-pusher>: shows the local preview of the bound TRTC instance (`trtc` property, or the url's instance). */
export declare class LivePusherElement extends HTMLElement {
  trtc: TRTC | null;
  readonly video: HTMLVideoElement;
}

/** <live-player id="{streamID}">: plays that player's stream; honours mute-audio, mute-video, object-fit, sound-mode. */
export declare class LivePlayerElement extends HTMLElement {
  trtc: TRTC | null;
  readonly video: HTMLVideoElement;
  readonly streamID: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'live-pusher': LivePusherElement;
    'live-player': LivePlayerElement;
  }
}
