package io.lianmai.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key Lianmai understands, with its default and the reason for it.
 *
 * <p>The same key is spelled three ways: {@code http.port} in the YAML file (nested) and in {@code --set},
 * {@code LIANMAI_HTTP_PORT} in the environment. {@code docs/configuration.md} documents each one; a test keeps the
 * two in step.
 */
public enum ConfigKey {
    DATA_DIR("data.dir", "./data", false,
            "Directory for the embedded database and everything else the server keeps on disk."),
    HTTP_HOST("http.host", "0.0.0.0", false,
            "Address the HTTP server binds: all interfaces by default so phones on the LAN can reach the demo."),
    HTTP_PORT("http.port", "8800", false,
            "TCP port for the API, signalling WebSocket, WHIP/WHEP, live output, SDK, demo and console."),
    HTTP_PUBLIC_URL("http.publicUrl", "", false,
            "Base URL printed for users (demo, console). Empty: http://localhost:{http.port}/."),
    HTTP_IDLE_TIMEOUT("http.idleTimeoutSeconds", "60", false,
            "An HTTP connection (WebSockets included) on which nothing is read or written for this long is closed; "
                    + "live FLV output and heartbeating sockets are never silent that long."),
    HTTP_MAX_HEADER_BYTES("http.maxHeaderBytes", "8192", false,
            "Largest request header block in bytes (the request line is capped at 4096); beyond it the "
                    + "request is refused. 8 KiB as most servers."),
    HTTP_MAX_CONNECTIONS_PER_IP("http.maxConnectionsPerIp", "256", false,
            "Open HTTP connections (WebSockets included) from one source address; the next gets 503. Browsers "
                    + "open about 6 per host, so this leaves room for dozens of users behind one NAT."),
    HTTP_SEND_BUFFER_BYTES("http.sendBufferBytes", "131072", false,
            "Kernel send buffer of each HTTP connection (WebSockets, FLV players); Linux doubles it. Bounds what a "
                    + "client that stops reading pins in the kernel before the server sees it (then it is dropped); "
                    + "0 leaves it to the kernel's autotuning (up to megabytes each)."),
    MEDIA_HOST("media.host", "0.0.0.0", false,
            "Address the WebRTC media sockets (UDP and ICE-TCP) bind."),
    MEDIA_UDP_PORT("media.udpPort", "8801", false,
            "UDP port for all WebRTC media: ICE, DTLS and SRTP of every session share it."),
    MEDIA_TCP_PORT("media.tcpPort", "8801", false,
            "TCP port for ICE-TCP (RFC 6544), for networks that block UDP; -1 turns it off."),
    MEDIA_PUBLIC_IP("media.publicIp", "", false,
            "Comma-separated IP addresses clients reach this server at, advertised as ICE host candidates. "
                    + "Empty: 127.0.0.1 and every non-loopback IPv4 address of this machine."),
    MEDIA_CONSENT_TIMEOUT("media.consentTimeoutSeconds", "30", false,
            "A session whose client sends no valid ICE consent check for this long ends (RFC 7675: 30 s)."),
    MEDIA_CONNECT_TIMEOUT("media.connectTimeoutSeconds", "20", false,
            "A session that does not complete ICE within this many seconds of its offer ends."),
    MEDIA_BWE_ENABLED("media.bwe.enabled", "true", false,
            "Transport-wide congestion control: the server sends transport-cc feedback to publishers (so their "
                    + "encoders adapt to the uplink) and estimates each player's downlink from its feedback. false: "
                    + "neither is negotiated, as before."),
    MEDIA_BWE_PLAYOUT_DELAY_MAX_MS("media.bwe.playoutDelayMaxMs", "500", false,
            "The longest minimum playout delay the server asks of a player whose path loses packets (the playout "
                    + "delay header extension; two round trips and a frame, so that repairs come before the frames "
                    + "are due). 0: never asked, the extension not negotiated."),
    MEDIA_EGRESS_THREADS("media.egressThreads", "0", false,
            "Threads that encrypt and send forwarded media beside the media loop, each with its own socket on the "
                    + "UDP port (SO_REUSEPORT, Linux). 0: the media loop does everything (cheapest per packet "
                    + "up to one core's worth); auto: one per core beyond the first, for big fan-outs on "
                    + "machines whose media thread is the limit."),
    MEDIA_LOOPS("media.loops", "auto", false,
            "Media loops: threads that each receive, forward, encrypt and send for the sessions placed on them, each "
                    + "with its own socket on the UDP port (SO_REUSEPORT, Linux; one elsewhere). auto: one per core."),
    MEDIA_LOOP_PLACEMENT_SLACK("media.loopPlacementSlack", "16", false,
            "With several media loops, a stream's new player joins its publisher's loop until that loop holds this "
                    + "many sessions more than the least loaded one; then it joins the least loaded, which gets one "
                    + "copy of the stream. 0: spread players evenly."),
    MEDIA_DTLS_THREADS("media.dtlsThreads", "auto", false,
            "Threads running DTLS handshakes (each blocks its thread until done); auto: one per core, at least 2."),
    MEDIA_DTLS_QUEUE("media.dtlsQueue", "256", false,
            "DTLS handshakes admitted beyond media.dtlsThreads; a WHIP/WHEP offer beyond both gets 503 with "
                    + "Retry-After."),
    MEDIA_MAX_SESSIONS("media.maxSessions", "5000", false,
            "WebRTC sessions (publishers and players) on this node; the next offer gets 503 with Retry-After. A few "
                    + "times what a 2-core node forwards, so only floods reach it."),
    MEDIA_TCP_HANDSHAKE_TIMEOUT("media.tcpHandshakeTimeoutSeconds", "10", false,
            "An ICE-TCP connection that sends no valid STUN check for a session within this many seconds is "
                    + "closed."),
    MEDIA_TCP_MAX_CONNECTIONS_PER_IP("media.tcpMaxConnectionsPerIp", "50", false,
            "ICE-TCP connections open at once from one IPv4 address or IPv6 /64; more are closed at once. Room for "
                    + "an office behind one NAT address."),
    MEDIA_MAX_ADDRESSES_PER_SESSION("media.maxAddressesPerSession", "8", false,
            "Source addresses with a valid ICE check a session remembers and routes media from; the oldest "
                    + "unselected one makes room. A browser checks one pair per interface and protocol."),
    MEDIA_NACK_REPEAT_INTERVAL("media.nackRepeatIntervalMs", "100", false,
            "A packet resent to a player is not resent to it again within this many milliseconds, or within its "
                    + "measured round trip when longer (at most 500 ms); 0 turns the check off."),
    MEDIA_NACK_MAX_PER_SECOND("media.nackMaxPerSecond", "250", false,
            "Retransmissions per second to one player, all its tracks together: all of a 2.5 Mbit/s video stream."),
    MEDIA_NACK_MAX_SHARE("media.nackMaxSharePercent", "50", false,
            "Bytes resent to a player stay at or below this percentage of the bytes forwarded to it over the last "
                    + "second or two."),
    MEDIA_VIDEO_CACHE_PACKETS("media.videoCachePackets", "1024", false,
            "Packets each published video layer keeps (a power of two, 64..32768; ~1.5 KB each): for NACKs, and the "
                    + "GOP a new viewer is started from. A keyframe further back than this is not replayed."),
    MEDIA_KEYFRAME_WAIT("media.keyframeWaitMs", "300", false,
            "A new video viewer waits this long for the keyframe it asked for before it is started from the "
                    + "publisher's cached last keyframe; 0 always starts from the cache, -1 never does."),
    ROOM_RTC_MAX_MEMBERS("room.rtcMaxMembers", "300", false,
            "Members of an rtc (call) room; the next enter fails with -3301. TRTC's video-call limit."),
    ROOM_RTC_MAX_PUBLISHERS("room.rtcMaxPublishers", "50", false,
            "Members of an rtc room publishing at once; the next publish fails with -3301. TRTC's limit."),
    ROOM_LIVE_MAX_ANCHORS("room.liveMaxAnchors", "50", false,
            "Anchors of a live room (enter as anchor or switchRole); the next fails with -3301. TRTC's limit."),
    ROOM_LIVE_MAX_AUDIENCE("room.liveMaxAudience", "0", false,
            "Audience members of a live room; 0 means unbounded (what the machine can carry)."),
    ROOM_PK_MIN_CONNECT_INTERVAL("room.pkMinConnectIntervalMs", "1000", false,
            "Fewest milliseconds between two cross-room PKs (connectOtherRoom) one anchor starts; a sooner one fails "
                    + "with -102032. 0 allows any rate."),
    ROOM_RESUME_GRACE("room.resumeGraceSeconds", "20", false,
            "How long a member whose signalling socket dropped stays in its room and may resume; then it leaves "
                    + "with reason timeout."),
    SIGNAL_HEARTBEAT_INTERVAL("signal.heartbeatIntervalMs", "5000", false,
            "Heartbeat interval told to signalling clients; a socket silent for three intervals is closed."),
    SIGNAL_ENTER_TIMEOUT("signal.enterTimeoutSeconds", "10", false,
            "A signalling socket that is not in a room this long after it opened (or after it left one) is closed: "
                    + "clients send enter at once."),
    SIGNAL_MAX_QUEUED_BYTES("signal.maxQueuedBytes", "1048576", false,
            "Bytes of signalling frames queued towards one socket that does not read them; beyond this the socket "
                    + "is dropped (its member may resume) instead of buffered: 1 MiB is about a thousand chat "
                    + "messages."),
    SIGNAL_COMMANDS_PER_SECOND("signal.commandsPerSecond", "50", false,
            "Requests one signalling socket may send per second, sustained; beyond it a request gets error -2 and a "
                    + "socket that keeps flooding is closed. Clients send a few per second."),
    SIGNAL_COMMAND_BURST("signal.commandBurst", "100", false,
            "Requests one signalling socket may send at once before signal.commandsPerSecond applies."),
    SIGNAL_MAX_SOCKETS_PER_IP("signal.maxSocketsPerIp", "64", false,
            "Open signalling sockets (/ws) from one source address; the next upgrade gets 503. One per user."),
    RTMP_HOST("rtmp.host", "0.0.0.0", false,
            "Address the RTMP server binds."),
    RTMP_PORT("rtmp.port", "1935", false,
            "TCP port for RTMP publishing (live-pusher, OBS, ffmpeg); -1 turns RTMP off."),
    RTMP_HANDSHAKE_TIMEOUT("rtmp.handshakeTimeoutSeconds", "10", false,
            "An RTMP connection must complete its handshake and be authorised to publish or play within this "
                    + "many seconds of connecting, or it is closed. Encoders take well under a second."),
    RTMP_IDLE_TIMEOUT("rtmp.idleTimeoutSeconds", "30", false,
            "An RTMP connection from which nothing is read for this long (for a player: nothing read or written) "
                    + "is closed."),
    RTMP_PRE_AUTH_MAX_BYTES("rtmp.preAuthMaxBytes", "65536", false,
            "Before publish or play is authorised, the largest chunk size, message and buffered bytes a connection "
                    + "may use: connect and publish commands are under 1 KiB."),
    RTMP_MAX_MESSAGE_BYTES("rtmp.maxMessageBytes", "4194304", false,
            "Largest RTMP message (and chunk size) after authorisation: 4 MiB holds any keyframe of a 1080p "
                    + "stream (about 1 MB)."),
    RTMP_MAX_CONNECTIONS_PER_IP("rtmp.maxConnectionsPerIp", "20", false,
            "Open RTMP connections from one source address; the next is closed at once. An encoder uses one."),
    LIVE_MAX_PLAYER_BACKLOG("live.maxPlayerBacklogBytes", "4194304", false,
            "Bytes queued towards one HTTP-FLV or RTMP player (or CDN relay) before it counts as too slow and is "
                    + "dropped instead of buffered: 4 MiB is about 5 s of a 6 Mbit/s stream."),
    LIVE_MERGE_WINDOW_MS("live.mergeWindowMs", "33", false,
            "How long an HTTP-FLV or RTMP player's tags are gathered before they are written with one write and one "
                    + "flush (as SRS's mw_latency): at most this much added delay; 33 ms is one frame at 30 fps. "
                    + "Longer windows cost less CPU per player; 0 writes on the event loop's next turn."),
    LIVE_IDLE_SECONDS("live.idleSeconds", "30", false,
            "A room member's WebRTC stream bridged to live output (FLV/HLS/RTMP play, CDN relay; VP8 and Opus "
                    + "transcoded) stops after this many seconds with no player and no HLS playlist request."),
    LIVE_SIGNED_URL_SECONDS("live.signedUrlSeconds", "21600", false,
            "Lifetime of the signed playback URLs (txSecret/txTime) the server gives room members: 6 h covers a "
                    + "long call's player reconnects; a resume hands out fresh ones. FLV and RTMP are checked when "
                    + "playback starts, HLS on every request."),
    LIVE_MAX_TRANSCODES_PER_APP("live.maxTranscodesPerApp", "10", false,
            "Room members' streams of one app bridged to live output at once (each decodes and encodes video "
                    + "and audio, up to a core's worth); the next play that would start one gets 503 with "
                    + "Retry-After."),
    LIVE_HLS_ENABLED("live.hls.enabled", "true", false,
            "Package every live stream as HLS (GET /live/{stream}.m3u8) while it is live: a remux, no decoding."),
    LIVE_HLS_SEGMENT_SECONDS("live.hls.segmentSeconds", "1", false,
            "HLS segment target: a segment ends at the first keyframe this long after its start. Short for low "
                    + "latency (players hold about three segments)."),
    LIVE_HLS_PLAYLIST_SIZE("live.hls.playlistSize", "6", false,
            "Segments listed in a live HLS playlist."),
    CDN_ALLOW_PRIVATE_TARGETS("cdn.allowPrivateTargets", "false", false,
            "Let StartPublishCdnStream push to loopback, link-local (169.254/16, fe80::/10), private (10/8, "
                    + "172.16/12, 192.168/16, fc00::/7), CGNAT (100.64/10), multicast and unspecified addresses. "
                    + "Off: a REST caller cannot aim relays at this host or its network."),
    CDN_ALLOWED_HOSTS("cdn.allowedHosts", "", false,
            "Comma-separated host names, IP addresses or CIDR blocks that CDN relays may reach even in the "
                    + "ranges above (an ingest on the private network)."),
    CDN_DENIED_HOSTS("cdn.deniedHosts", "", false,
            "Comma-separated host names, IP addresses or CIDR blocks that CDN relays may never reach; wins over "
                    + "cdn.allowedHosts."),
    CDN_MAX_RETRIES("cdn.maxRetries", "10", false,
            "Failed attempts in a row (1 s, 2 s, 4 s … 30 s apart, about 3.5 min in all) after which a CDN relay "
                    + "gives up and its task ends; a relay that ran 10 s starts counting again."),
    CDN_MAX_RELAYS_PER_APP("cdn.maxRelaysPerApp", "50", false,
            "CDN publish tasks one app may run at once on this node (each holds up to 10 push connections)."),
    CDN_MAX_TASKS("cdn.maxTasks", "1000", false,
            "CDN publish tasks on this node, all apps together."),
    MIX_MAX_PER_APP("mix.maxPerApp", "2", false,
            "MCU mix tasks (StartMCUMixTranscode) one app may run at once on this node; each decodes its members and "
                    + "encodes H.264 + AAC, about half a core at 720p30."),
    MIX_MAX_PER_NODE("mix.maxPerNode", "2", false,
            "MCU mix tasks on this node, all apps together."),
    MIX_MAX_VIDEO_WIDTH("mix.maxVideoWidth", "1920", false,
            "Largest EncodeParams.VideoWidth a mix may ask for (pixels, at most 1920)."),
    MIX_MAX_VIDEO_HEIGHT("mix.maxVideoHeight", "1920", false,
            "Largest EncodeParams.VideoHeight a mix may ask for (pixels, at most 1920)."),
    MIX_MAX_VIDEO_BITRATE("mix.maxVideoBitrate", "8000", false,
            "Largest EncodeParams.VideoBitrate a mix may ask for (kbit/s)."),
    MIX_IMAGE_MAX_BYTES("mix.imageMaxBytes", "2097152", false,
            "Largest image file a mix fetches (EncodeParams.BackgroundImageUrl, PresetLayoutConfig.PlaceImageUrl), "
                    + "in bytes (1024..16777216); a larger one refuses the request."),
    MIX_IMAGE_MAX_PIXELS("mix.imageMaxPixels", "4194304", false,
            "Largest decoded mix image in pixels, width × height (4..16777216): the decoder may not allocate more."),
    MIX_IMAGE_TIMEOUT_MILLIS("mix.imageTimeoutMillis", "5000", false,
            "One mix image fetch, connect to last byte (100..60000 ms); a slower server refuses the request."),
    MIX_IMAGE_ALLOW_PRIVATE_HOSTS("mix.imageAllowPrivateHosts", "false", false,
            "Let mixes fetch images from loopback, link-local, private, CGNAT, multicast and unspecified addresses. "
                    + "Off: a REST caller cannot aim the image fetch at this host or its network."),
    MIX_IMAGE_ALLOWED_HOSTS("mix.imageAllowedHosts", "", false,
            "Comma-separated host names, IP addresses or CIDR blocks mixes may fetch images from even in the "
                    + "ranges above (an image server on the private network)."),
    TURN_URLS("turn.urls", "", false,
            "Comma-separated TURN (and STUN) server URLs handed to clients with time-limited credentials, e.g. "
                    + "turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349?transport=tcp. Empty: "
                    + "none (clients reach the media port directly)."),
    TURN_SECRET("turn.secret", "", true,
            "Secret shared with the TURN server (coturn: use-auth-secret, static-auth-secret) that signs the "
                    + "credentials. Required when turn.urls lists a turn: or turns: URL."),
    TURN_CREDENTIAL_SECONDS("turn.credentialSeconds", "86400", false,
            "Lifetime of a TURN credential. The TURN server checks it on every allocation refresh, so it must "
                    + "outlive the longest call."),
    STORE_JDBC_URL("store.jdbcUrl", "", false,
            "JDBC URL of the app database. Empty: an embedded H2 file database under data.dir. "
                    + "A jdbc:postgresql:// URL selects PostgreSQL."),
    STORE_USERNAME("store.username", "", false,
            "Database user for store.jdbcUrl (ignored for the embedded database)."),
    STORE_PASSWORD("store.password", "", true,
            "Database password for store.jdbcUrl. Never printed or logged."),
    STORE_POOL_SIZE("store.poolSize", "4", false,
            "Largest number of pooled database connections; app lookups are rare and short, so a few suffice."),
    DEV_USERSIG_ENDPOINT("dev.userSigEndpoint", "false", false,
            "Serve GET /api/dev/usersig, which signs UserSigs for anyone who asks, so the demo works without a "
                    + "backend. Development only: real apps sign on their own backend."),
    APPS_CREATE_DEFAULT("apps.createDefault", "true", false,
            "On a start with no apps at all, create one and print its SDKAppID and secret key."),
    APPS_DEFAULT_NAME("apps.defaultName", "Default app", false,
            "Name of the app created by apps.createDefault."),
    APPS_REFRESH_SECONDS("apps.refreshSeconds", "2", false,
            "Apps are served from memory; changes made outside this process (the CLI, another node) show within "
                    + "this many seconds."),
    LIMITS_MAX_SESSIONS("limits.maxSessions", "5000", false,
            "Sessions this node holds at once (WHIP, WHEP, /ws room memberships, RTMP publications); the next is "
                    + "refused with 503 and Retry-After. Sized for a few cores; raise it on bigger machines."),
    LIMITS_MAX_SESSIONS_PER_APP("limits.maxSessionsPerApp", "5000", false,
            "Sessions one SDKAppID holds on this node; the next is refused with 503. Lower it to share a node "
                    + "between apps."),
    LIMITS_MAX_SESSIONS_PER_USER("limits.maxSessionsPerUser", "100", false,
            "Sessions one userID of one app holds (a WHEP viewer of every stream of a 50-publisher room needs 51); "
                    + "the next is refused with 429."),
    LIMITS_MAX_SESSIONS_PER_IP("limits.maxSessionsPerIp", "2000", false,
            "Sessions from one source address (offices and carrier NAT share addresses; the bench's fan-out opens "
                    + "1,000 from 127.0.0.1); the next is refused with 429."),
    LIMITS_JOINS_PER_SECOND_PER_IP("limits.joinsPerSecondPerIp", "200", false,
            "New sessions per second one source address may start, counted before authentication; beyond it 429."),
    LIMITS_JOIN_BURST_PER_IP("limits.joinBurstPerIp", "1000", false,
            "New sessions one source address may start at once before limits.joinsPerSecondPerIp applies."),
    LIMITS_JOINS_PER_SECOND_PER_APP("limits.joinsPerSecondPerApp", "500", false,
            "New sessions per second one app may start on this node, counted after authentication; beyond it 429."),
    LIMITS_JOIN_BURST_PER_APP("limits.joinBurstPerApp", "2000", false,
            "New sessions one app may start at once before limits.joinsPerSecondPerApp applies."),
    LIMITS_TRACKED_ADDRESSES("limits.trackedAddresses", "100000", false,
            "Source addresses whose join rate is remembered (about 100 bytes each); the least recently seen is "
                    + "forgotten first."),
    // The server API over Tencent Cloud API 3.0 (POST /, issue 15): docs/rest-api.md, docs/security.md.
    API_REQUESTS_PER_SECOND("api.requestsPerSecond", "20", false,
            "Requests per second one API credential may make to one action of POST / (burst the same), TRTC's "
                    + "limit; beyond it the answer is RequestLimitExceeded."),
    API_REMOVED_USER_REJOIN_SECONDS("api.removedUserRejoinSeconds", "60", false,
            "After RemoveUser, how long the removed user cannot enter that room again (any client kind); 0 lets "
                    + "it back at once, as TRTC does."),
    API_REQUESTS_PER_SECOND_PER_IP("api.requestsPerSecondPerIp", "100", false,
            "Requests per second one source address may send to POST / and POST /api/v1 together, checked first, "
                    + "before any signature or credential lookup; beyond it RequestLimitExceeded.IPLimitExceeded."),
    API_BURST_PER_IP("api.burstPerIp", "200", false,
            "Requests one source address may send at once before api.requestsPerSecondPerIp applies."),
    API_CREDENTIAL_KEY("api.credentialKey", "", true,
            "AES-256 key (32 bytes, base64) that seals API SecretKeys in the database. Empty: the key in "
                    + "{data.dir}/api-credential.key, created (mode 0600) on first use. Set the same key on every "
                    + "node sharing a PostgreSQL database."),
    // metrics: GET /metrics (Prometheus), docs/operations.md
    METRICS_ENABLED("metrics.enabled", "true", false,
            "Serve GET /metrics in Prometheus's text format (rooms, members, media, live, JVM). false: no endpoint."),
    METRICS_TOKEN("metrics.token", "", true,
            "Bearer token GET /metrics requires (Authorization: Bearer TOKEN). Empty: only loopback clients, with no "
                    + "proxy header, may scrape the HTTP port; set it to scrape from another machine."),
    METRICS_HOST("metrics.host", "127.0.0.1", false,
            "Address the management port (metrics.port) binds: loopback, so only this machine reaches it unless "
                    + "you choose otherwise."),
    METRICS_PORT("metrics.port", "-1", false,
            "A separate management port serving only /metrics (on metrics.host; 0 picks a free port); /metrics "
                    + "then leaves the HTTP port. -1: /metrics is on the HTTP port."),
    // Event callbacks (issue 15): docs/callbacks.md.
    CALLBACKS_TIMEOUT_MILLIS("callbacks.timeoutMillis", "5000", false,
            "One callback delivery attempt (connect and answer); beyond it the attempt failed. TRTC waits 5 s."),
    CALLBACKS_MAX_CONCURRENT("callbacks.maxConcurrent", "16", false,
            "Callback deliveries in flight at once, all apps together; one room never has two (order per room)."),
    CALLBACKS_RETRY_INITIAL_MILLIS("callbacks.retryInitialMillis", "1000", false,
            "Wait after a callback's first failed attempt; each later wait doubles, up to callbacks.retryMaxSeconds."),
    CALLBACKS_RETRY_MAX_SECONDS("callbacks.retryMaxSeconds", "600", false,
            "Longest wait between two attempts at one callback: a receiver back up is reached within this long."),
    CALLBACKS_RETRY_FOR_SECONDS("callbacks.retryForSeconds", "86400", false,
            "How long after its event a callback is still retried (24 h; TRTC gives up after 1 min); then it is "
                    + "given up, shown as failed, and the room's next event goes."),
    CALLBACKS_RETENTION_HOURS("callbacks.retentionHours", "168", false,
            "How long delivered and given-up callbacks stay in the outbox for callbacks list and "
                    + "DescribeCallbackEvents; pending ones are kept until done."),
    CALLBACKS_POLL_MILLIS("callbacks.pollMillis", "500", false,
            "How often the outbox is checked for due retries when no new event woke the sender."),
    CALLBACKS_QUEUE_SIZE("callbacks.queueSize", "100000", false,
            "Callback events held in memory between a room's change and their database write; more are dropped "
                    + "and logged (only while the database is down or far too slow)."),
    CALLBACKS_LEASE_SECONDS("callbacks.leaseSeconds", "60", false,
            "How long a node's claim on a callback it attempts lasts; nodes sharing a database take over the events "
                    + "of a node that died after it. Longer than twice callbacks.timeoutMillis."),
    CALLBACKS_ALLOW_PRIVATE_TARGETS("callbacks.allowPrivateTargets", "false", false,
            "Let callback URLs point at loopback, private, link-local, CGNAT, multicast and unspecified addresses "
                    + "(a receiver on this host or its network). Off: an app's callback URL cannot aim this server "
                    + "at its own network."),
    // Room and member history (issue 15): docs/rest-api.md (DescribeRoomInfo and the other call-quality actions).
    // Cloud recording (issue 17): docs/recording.md.
    RECORDING_DIR("recording.dir", "", false,
            "Directory for cloud recording files (CreateCloudRecording), relative to the working directory. Empty: "
                    + "{data.dir}/recordings."),
    RECORDING_MAX_TASKS_PER_APP("recording.maxTasksPerApp", "20", false,
            "Cloud recording tasks one app may run at once on this node; CreateCloudRecording beyond it is refused "
                    + "(FailedOperation.RestrictedConcurrency). Each recorded WebRTC stream is also a live bridge, "
                    + "counted by live.maxTranscodesPerApp."),
    RECORDING_MIN_FREE_MEGABYTES("recording.minFreeMegabytes", "1024", false,
            "Free space (MiB) the recording directory's disk keeps: below it CreateCloudRecording is refused "
                    + "(ResourceInsufficient.RequestRejection) and running tasks end, their files finished."),
    CLUSTER_REDIS("cluster.redis", "", true,
            "redis://[:password@]host:port[/db] of the Redis server the nodes of a cluster share (docs/cluster.md); "
                    + "also ./lianmai serve --cluster URI. Empty: a single node, no Redis. Secret: may hold a password."),
    CLUSTER_NODE_ID("cluster.nodeId", "", false,
            "This node's name in the cluster (letters, digits, . - _; at most 64). Empty: the host name and the "
                    + "HTTP port."),
    CLUSTER_SECRET("cluster.secret", "", true,
            "32 bytes in base64 every node of the cluster shares (openssl rand -base64 32): signs node-to-node "
                    + "requests and keys the media relays between nodes. Required in cluster mode. Secret."),
    CLUSTER_INTERNAL_URL("cluster.internalUrl", "", false,
            "Base URL other nodes reach this node's HTTP port at. Empty: http.publicUrl, or "
                    + "http://{first media.publicIp}:{http.port}/."),
    CLUSTER_EDGE_AUDIENCE("cluster.edgeAudience", "true", false,
            "Audience members of a live room stay on the node they reach (an edge) and play the anchors through one "
                    + "relay per stream from the room's node; false: they go to the room's node like everyone."),
    CLUSTER_ROOM_MEMBERS_PER_NODE("cluster.roomMembersPerNode", "100", false,
            "Members of one room its node holds before members who reach another node stay there (1 to 100000): "
                    + "the room then spans nodes, each showing the others' members through one relay per stream. "
                    + "Below it every member goes to the room's node."),
    CLUSTER_MAX_EDGE_ROOMS("cluster.maxEdgeRooms", "10000", false,
            "Rooms served by another node that this node shows at most (as an edge, for members, players and RTMP "
                    + "publishers who reached it; 1 to 1000000); beyond, they are sent to the room's node (RTMP: "
                    + "refused naming it)."),
    CLUSTER_EDGE_FANOUT("cluster.edgeFanout", "32", false,
            "Edges a node feeds directly at most per room (0 to 10000): beyond, a new edge pulls the room's streams "
                    + "from the edge nearest the room's node that feeds fewer (a tree). 0: every edge pulls from the "
                    + "room's node."),
    CLUSTER_HEARTBEAT_MILLIS("cluster.heartbeatMillis", "1000", false,
            "How often a node renews its registry entry and load in Redis."),
    CLUSTER_NODE_TTL_MILLIS("cluster.nodeTtlMillis", "4000", false,
            "How long a node's entry lives without a heartbeat (at least twice cluster.heartbeatMillis): a node "
                    + "killed is forgotten, and its rooms taken over, after this."),
    CLUSTER_RELAY_IDLE_MILLIS("cluster.relayIdleMillis", "10000", false,
            "How long a relay of another node's stream stays up with no player of it on this node (100 to "
                    + "3600000); the next player starts a new one (docs/relay.md)."),
    HISTORY_ENABLED("history.enabled", "true", false,
            "Record rooms, member stays, their events and quality samples in the app database for DescribeRoomInfo, "
                    + "DescribeUserInfo, DescribeCallDetailInfo and DescribeUserEvent. false: nothing is recorded."),
    HISTORY_RETENTION_DAYS("history.retentionDays", "14", false,
            "How long room history is kept after it ends (TRTC keeps 14 days); a job deletes older rows hourly."),
    HISTORY_SAMPLE_SECONDS("history.sampleSeconds", "5", false,
            "How often each WebRTC player's bitrate, loss and round trip are sampled into the history (one row per "
                    + "player per interval; read from the media plane's counters, nothing on the packet path).");

    private static final Map<String, ConfigKey> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ConfigKey::key, Function.identity()));

    private final String key;
    private final String defaultValue;
    private final boolean secret;
    private final String description;

    ConfigKey(String key, String defaultValue, boolean secret, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.description = description;
    }

    /** Dotted name, as in the YAML file and {@code --set key=value}. */
    public String key() {
        return key;
    }

    /** The value used when no file, environment variable or flag sets the key. */
    public String defaultValue() {
        return defaultValue;
    }

    /** Whether the value must never be printed or logged. */
    public boolean secret() {
        return secret;
    }

    public String description() {
        return description;
    }

    /** The environment variable that overrides this key: {@code store.jdbcUrl} is {@code LIANMAI_STORE_JDBC_URL}. */
    public String environmentVariable() {
        StringBuilder name = new StringBuilder("LIANMAI_");
        for (char c : key.toCharArray()) {
            if (c == '.') {
                name.append('_');
            } else if (Character.isUpperCase(c)) {
                name.append('_').append(c);
            } else {
                name.append(Character.toUpperCase(c));
            }
        }
        return name.toString().toUpperCase(Locale.ROOT);
    }

    /** Looks a key up by its dotted name. */
    public static Optional<ConfigKey> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
