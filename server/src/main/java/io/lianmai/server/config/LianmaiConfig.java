package io.lianmai.server.config;

import io.lianmai.live.hls.HlsConfig;
import io.lianmai.media.MediaConfig;
import io.lianmai.room.RoomConfig;
import io.lianmai.store.StoreConfig;
import io.lianmai.server.recording.RecordingConfig;
import java.nio.file.Path;

/**
 * The whole server configuration, resolved and typed; built by {@link ConfigLoader}.
 *
 * @param dataDir absolute directory for on-disk state
 * @param http the HTTP front door
 * @param store the app database
 * @param apps start-up behaviour for apps
 * @param media the WebRTC media plane
 * @param rtmp RTMP ingest for live output
 * @param room room limits and the resume grace period
 * @param signal the signalling WebSocket
 * @param live live output (HTTP-FLV and RTMP players, CDN relays)
 * @param limits admission: sessions and join rates per node, app, user and address
 * @param turn the TURN servers clients are given, with signed credentials
 * @param api the server API over Tencent Cloud API 3.0 and its credentials
 * @param metrics {@code GET /metrics}: on or off, its token and its optional management port
 * @param callbacks event callbacks: delivery, retries, retention, allowed targets
 * @param history room and member history: on or off, retention, sampling interval
 * @param recording cloud recording: where files go, tasks per app, the disk guard
 * @param cluster cluster mode: the shared Redis, this node's name and address, the node secret
 */
public record LianmaiConfig(Path dataDir, HttpConfig http, StoreConfig store, AppsConfig apps, MediaConfig media,
        RoomConfig room, SignalConfig signal, RtmpConfig rtmp, LiveConfig live,
        LimitsConfig limits, TurnConfig turn, ApiConfig api, MetricsConfig metrics, CallbacksConfig callbacks,
        HistoryConfig history, RecordingConfig recording, ClusterConfig cluster, RelayConfig relay) {
}
