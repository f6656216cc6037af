// Type declarations for lianmai-web.js (Lianmai web SDK, trtc-wx-shaped). Protocol: docs/protocol.md v1.
// What both SDKs share is declared in lianmai-core.d.ts (served beside this file at /sdk/).

import type {
  EventName, CoreOptions, CoreEnterRoomParams, CoreEventDataMap, PageContext, PusherAttributes, PlayerAttributes,
  Snapshot, TRTCRoom,
} from './lianmai-core';
import { EVENT, ERROR_CODE, QUALITY } from './lianmai-core';

export * from './lianmai-core';

export interface TRTCOptions extends CoreOptions {
  /** Signalling endpoint: ws(s)://host[:port]/ws or http(s)://host[:port] ("/ws" appended). Default: the origin the SDK was
   * loaded from (import.meta.url) + /ws, so a page on the app's own origin that imports the SDK from the Lianmai
   * server talks to that server. */
  serverUrl?: string;
  /** 'relay' sends all media through the TURN servers the server hands out (turn.urls); default 'all'. */
  iceTransportPolicy?: 'all' | 'relay';
  /** getStats() period for *_NET_STATE_UPDATE (ms, default 2000). */
  statsIntervalMs?: number;
  /** period of *_AUDIO_VOLUME_UPDATE (ms, default 500). */
  volumeIntervalMs?: number;
}

export interface EnterRoomParams extends CoreEnterRoomParams {
  roomID?: number | string;
  /** No Chinese characters, at most 64; wins over roomID. */
  strRoomID?: string;
  /** Accepted and put into the pusher url; CDN names are chosen by the server. */
  streamID?: string;
  /** Publish audio only (no video m-line). */
  pureAudioMode?: boolean;
}

export interface EventDataMap extends CoreEventDataMap {
  REMOTE_STATE_UPDATE: { player: PlayerAttributes; state: RTCPeerConnectionState; playerList: PlayerAttributes[] };
  VIDEO_FULLSCREEN_UPDATE: { streamID?: string; fullScreen?: boolean };
}

/** The pusher attributes the web SDK adds (accepted by createPusher/setPusherAttributes like any other). */
export interface WebPusherAttributes extends PusherAttributes {
  /** Publish the camera as simulcast: rid 'l' (1/4 size, <= 200 kbit/s) and rid 'h' (maxBitrate). Default false.
   * An encoding no subscriber watches is set inactive on the server's word (the `layers` event) and resumed on demand. */
  enableSmallStream?: boolean;
  /** 'speech' (or 'low'): mono, Opus DTX; 'music': 48 kHz stereo at 128 kbit/s, no echo cancellation; 'high' (default):
   * the browser's Opus defaults. Applied when the stream is published. */
  audioQuality: 'speech' | 'music' | 'high' | 'low' | string;
}

export interface TRTCEvent<K extends EventName = EventName> { eventCode: K; data: EventDataMap[K]; }

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

declare class TRTC {
  constructor(ctx?: PageContext | null, options?: TRTCOptions);
  static readonly EVENT: typeof EVENT;
  static readonly ERROR_CODE: typeof ERROR_CODE;
  static readonly VERSION: string;
  static readonly QUALITY: typeof QUALITY;
  /** The instance a room:// url (…&instance=N) belongs to, or the most recently created one. */
  static fromUrl(url?: string | null): TRTC | null;

  readonly instanceId: number;
  ctx: PageContext | null | undefined;
  /** The options given to the constructor, over the defaults. */
  readonly options: Readonly<TRTCOptions>;

  /**
   * Lianmai, as TRTC web's startScreenShare: getDisplayMedia (video only) published as this user's aux stream
   * ({userID}_aux). Rejects with code -1308 when capture fails or is refused, -1 when not joined, an audience or
   * already sharing. Ending the capture from the browser's UI stops sharing.
   */
  startScreenShare(options?: {
    /** ideal capture frame rate, default 15 */
    frameRate?: number;
    /** kbit/s, default 1500 */
    maxBitrate?: number;
    /** merged over the SDK's getDisplayMedia options */
    displayMediaOptions?: DisplayMediaStreamConstraints;
  }): Promise<void>;
  /** Lianmai: unpublishes the aux stream and stops the capture; resolves also when nothing was shared. */
  stopScreenShare(): Promise<void>;

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
/** The room members every SDK has (lianmai-core.d.ts), typed for the web. */
interface TRTC extends TRTCRoom<Pusher, Player, EventDataMap, EnterRoomParams> {}
export default TRTC;

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
