// Type declarations for lianmai-core.js: what both SDKs share (the room state machine, its events and attributes).
// sdk/web/lianmai-web.d.ts imports it; sdk/wx/lianmai-wx.d.ts has it inlined (sdk/tools/AssembleWxSdk.java).

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
  | 'CONNECTION_STATE_UPDATE' | 'REMOTE_USER_ROLE_UPDATE'
  | 'CONNECT_OTHER_ROOM' | 'DISCONNECT_OTHER_ROOM';

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
  readonly CONNECT_OTHER_ROOM_INVALID_PARAMETER: -3328;
  readonly CONNECT_OTHER_ROOM_AS_AUDIENCE: -3330;
};

export declare function parseStreamID(streamID: string): { userID: string; streamType: string };

/** TRTC's TRTCQuality: 0 unknown, 1 excellent, 2 good, 3 poor, 4 bad, 5 very bad, 6 down (docs/networks.md). */
export type Quality = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export declare const QUALITY: {
  readonly UNKNOWN: 0; readonly EXCELLENT: 1; readonly GOOD: 2; readonly POOR: 3; readonly BAD: 4;
  readonly VERY_BAD: 5; readonly DOWN: 6;
};

/** What a path measured; any may be missing. */
export interface QualityMeasures {
  /** % of packets lost over the last interval */
  loss?: number;
  /** ms round trip */
  rtt?: number;
  /** ms interarrival jitter */
  jitter?: number;
  /** % of the encoded bitrate the network did not carry (RTMP) */
  shortfall?: number;
}

/** The highest value of each measure that is still EXCELLENT, GOOD, POOR, BAD; above the last, VERY_BAD. */
export declare const QUALITY_THRESHOLDS: { readonly [K in keyof Required<QualityMeasures>]: readonly number[] };

/** Grades a path: each known measure by QUALITY_THRESHOLDS, the worst wins; UNKNOWN (0) when none is known. */
export declare function networkQuality(measures: QualityMeasures): Quality;

/** Anything with setData(obj, callback), e.g. a page object. The SDK never calls it itself. */
export interface PageContext {
  setData(data: Record<string, unknown>, callback?: () => void): void;
  [key: string]: unknown;
}

/** Options both SDKs take. */
export interface CoreOptions {
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

/**
 * Initial player mutes: 1 none (audio+video), 2 muteVideo (audio only), 3 muteAudio (video only), 4 both (manual:
 * the app unmutes what it plays).
 */
export type RecvMode = 1 | 2 | 3 | 4;

/** enterRoom's parameters both SDKs take. */
export interface CoreEnterRoomParams {
  sdkAppID: number | string;
  userID: string;
  userSig: string;
  scene?: 'rtc' | 'live';
  role?: 'anchor' | 'audience';
  privateMapKey?: string;
  enableMic?: boolean;
  enableCamera?: boolean;
  /** Accepted, not used by protocol v1. */
  userDefineRecordID?: string;
  recvMode?: RecvMode;
}

/** Network statistics of the pusher or one player (the web SDK's from getStats(), the mini program's from WeChat). */
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
  netJitter?: number;     // ms (web: the server's view of our stream for the pusher, what we receive for players)
  /**
   * The path's quality (QUALITY, trtc-wx's live-pusher/live-player name): the pusher's is its uplink; a player's is
   * the whole path from the remote user, the worse of uplinkNetworkQuality and downlinkNetworkQuality.
   */
  netQualityLevel?: Quality;
  /** TRTC's name. Pusher: this member's uplink. Player: the remote user's uplink as they report it (0 until then). */
  uplinkNetworkQuality?: Quality;
  /** TRTC's name. Player: this member's downlink for that stream. Pusher: the worst of the players' downlinks. */
  downlinkNetworkQuality?: Quality;
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
  /**
   * Toggled by switchStreamType (Lianmai addition): on the web, true while the small simulcast layer is requested;
   * in a mini program HTTP-FLV has one rendition, so it changes nothing.
   */
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

/** Event data both SDKs give; each SDK's EventDataMap adds REMOTE_STATE_UPDATE and VIDEO_FULLSCREEN_UPDATE. */
export interface CoreEventDataMap {
  LOCAL_JOIN: {};
  LOCAL_LEAVE: {};
  KICKED_OUT: { reason?: 'duplicate-login' | 'removed' | 'room-dismissed' | 'network' | 'rejoin-failed' | string; message?: string };
  REMOTE_USER_JOIN: UserEventData;
  REMOTE_USER_LEAVE: UserEventData;
  REMOTE_VIDEO_ADD: PlayerEventData;
  REMOTE_VIDEO_REMOVE: PlayerEventData;
  REMOTE_AUDIO_ADD: PlayerEventData;
  REMOTE_AUDIO_REMOVE: PlayerEventData;
  LOCAL_NET_STATE_UPDATE: { pusher: PusherAttributes };
  REMOTE_NET_STATE_UPDATE: { playerList: PlayerAttributes[] };
  LOCAL_AUDIO_VOLUME_UPDATE: { pusher: PusherAttributes };
  REMOTE_AUDIO_VOLUME_UPDATE: { playerList: PlayerAttributes[] };
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
  /** TRTC's onConnectOtherRoom(userId, errCode, errMsg): errCode 0 when the PK is on. */
  CONNECT_OTHER_ROOM: { userID: string; errCode: number; errMsg: string };
  /** TRTC's onDisConnectOtherRoom(errCode, errMsg). */
  DISCONNECT_OTHER_ROOM: { errCode: number; errMsg: string };
}

/** TRTC's connectOtherRoom parameter: the other room (roomId or strRoomId) and its anchor. */
export interface ConnectOtherRoomParams { roomId?: number; strRoomId?: string; userId: string; }

export interface Snapshot { tempImagePath: string; width: number; height: number; }

/**
 * The members both SDKs' TRTC classes have, typed by the SDK's pusher, player controls, event data and enterRoom
 * parameters. Each SDK's `TRTC` class merges this interface.
 */
export interface TRTCRoom<TPusher, TPlayer, TEvents extends { [K in EventName]: unknown }, TParams> {
  readonly EVENT: typeof EVENT;
  readonly ERROR_CODE: typeof ERROR_CODE;

  on<K extends EventName>(name: K, handler: (event: { eventCode: K; data: TEvents[K] }) => void, context?: unknown): void;
  off(name?: EventName, handler?: Function): void;
  setLogLevel(level: number): void;

  createPusher(attrs?: Partial<PusherAttributes>): TPusher;
  getPusherInstance(): TPusher;
  getPusherAttributes(): PusherAttributes;
  setPusherAttributes(attrs: Partial<PusherAttributes>): PusherAttributes;

  enterRoom(params: TParams): PusherAttributes;
  exitRoom(): { pusher: PusherAttributes; playerList: PlayerAttributes[] };

  getPlayerList(): PlayerAttributes[];
  /** Merges into one player; returns the whole player list (copies). Unknown streamID: no-op. */
  setPlayerAttributes(streamID: string, attrs: Partial<PlayerAttributes>): PlayerAttributes[];
  getPlayerInstance(streamID: string): TPlayer;
  switchStreamType(streamID: string): PlayerAttributes[];

  /** Lianmai: live rooms; resolves with the role once the server agreed (rejects with {code, message}). */
  switchRole(role: 'anchor' | 'audience'): Promise<'anchor' | 'audience'>;
  /** Lianmai: room-wide custom message (cmdID 1..10, ≤ 1 KiB); others get IM_MESSAGE_RECEIVED. */
  sendCustomMessage(cmdID: number, data: string | object): Promise<void>;
  /**
   * TRTC's connectOtherRoom (cross-room PK, live rooms, anchors only): the object or its JSON text. Emits
   * CONNECT_OTHER_ROOM; resolves when the PK is on, rejects with {code, message} (TRTC's codes).
   */
  connectOtherRoom(param: ConnectOtherRoomParams | string): Promise<void>;
  /** TRTC's disconnectOtherRoom: ends the PK this anchor started. Emits DISCONNECT_OTHER_ROOM. */
  disconnectOtherRoom(): Promise<void>;
}
