package io.lianmai.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lianmai.live.hls.HlsConfig;
import io.lianmai.store.StoreConfig;
import io.lianmai.media.sfu.RetransmissionLimits;
import io.lianmai.media.GopCacheConfig;
import io.lianmai.media.MediaConfig;
import io.lianmai.media.MediaLimits;
import io.lianmai.room.RoomConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.nio.file.Files;
import io.lianmai.server.recording.RecordingConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the configuration from four layers, each overriding the one before: built-in defaults, the YAML file,
 * {@code LIANMAI_*} environment variables, and command-line flags.
 *
 * <p>The file is {@code --config FILE} when given, else {@code $LIANMAI_CONFIG}, else {@code lianmai.yaml} in the
 * working directory if it exists. Unknown keys and malformed values are errors that name the key and its source,
 * never silently ignored: a typo in a config file should not leave a production server on a default.
 */
public final class ConfigLoader {

    /** File read from the working directory when no other is named. */
    public static final String DEFAULT_FILE = "lianmai.yaml";
    /** Environment variable naming the configuration file. */
    public static final String CONFIG_FILE_VARIABLE = "LIANMAI_CONFIG";

    private final Map<String, String> environment;
    private final Path workingDirectory;

    /**
     * @param environment the process environment (tests pass their own)
     * @param workingDirectory where relative paths are resolved
     */
    public ConfigLoader(Map<String, String> environment, Path workingDirectory) {
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory.toAbsolutePath();
    }

    /**
     * Resolves the configuration.
     *
     * @param explicitFile the {@code --config} flag, if given; it must exist
     * @param flags overrides from the command line, by dotted key name
     */
    public LianmaiConfig load(Optional<Path> explicitFile, Map<String, String> flags) {
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            settings.put(key, new Setting(key.defaultValue(), "default"));
        }
        configFile(explicitFile).ifPresent(file -> readFile(file, settings));
        for (ConfigKey key : ConfigKey.values()) {
            String value = environment.get(key.environmentVariable());
            if (value != null) {
                settings.put(key, new Setting(value, "environment variable " + key.environmentVariable()));
            }
        }
        flags.forEach((name, value) -> settings.put(known(name, "command line"), new Setting(value, "command line")));
        return build(settings);
    }

    private Optional<Path> configFile(Optional<Path> explicitFile) {
        if (explicitFile.isPresent()) {
            Path file = workingDirectory.resolve(explicitFile.get());
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("configuration file " + file + " (from --config) does not exist");
            }
            return Optional.of(file);
        }
        String fromEnvironment = environment.get(CONFIG_FILE_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            Path file = workingDirectory.resolve(fromEnvironment);
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("configuration file " + file + " (from " + CONFIG_FILE_VARIABLE
                        + ") does not exist");
            }
            return Optional.of(file);
        }
        Path implicit = workingDirectory.resolve(DEFAULT_FILE);
        return Files.isRegularFile(implicit) ? Optional.of(implicit) : Optional.empty();
    }

    private static void readFile(Path file, Map<ConfigKey, Setting> settings) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("configuration file " + file + " must hold a YAML mapping of keys");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", root, flat, file);
        String source = "file " + file;
        flat.forEach((name, value) -> settings.put(known(name, source), new Setting(value, source)));
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(name, value, out, file);
            } else if (value.isArray()) {
                throw new ConfigException("configuration key '" + name + "' in " + file + " must be a single value");
            } else {
                out.put(name, value.isNull() ? "" : value.asText());
            }
        }
    }

    private static ConfigKey known(String name, String source) {
        return ConfigKey.byName(name).orElseThrow(() -> new ConfigException(
                "unknown configuration key '" + name + "' (" + source + ")" + suggestion(name)));
    }

    private static String suggestion(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return java.util.Arrays.stream(ConfigKey.values())
                .map(ConfigKey::key)
                .min(Comparator.comparingInt(candidate -> distance(lower, candidate.toLowerCase(Locale.ROOT))))
                .filter(candidate -> distance(lower, candidate.toLowerCase(Locale.ROOT)) <= 3)
                .map(candidate -> "; did you mean '" + candidate + "'?")
                .orElse("; see docs/configuration.md for every key");
    }

    /** Levenshtein distance, for "did you mean" hints on mistyped keys. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private LianmaiConfig build(Map<ConfigKey, Setting> settings) {
        Path dataDir = workingDirectory.resolve(text(settings, ConfigKey.DATA_DIR)).normalize();
        HttpConfig http = new HttpConfig(
                nonBlank(settings, ConfigKey.HTTP_HOST),
                integer(settings, ConfigKey.HTTP_PORT, 0, 65535),
                optional(settings, ConfigKey.HTTP_PUBLIC_URL),
                Duration.ofSeconds(integer(settings, ConfigKey.HTTP_IDLE_TIMEOUT, 1, 86_400)),
                integer(settings, ConfigKey.HTTP_MAX_HEADER_BYTES, 1024, 1 << 20),
                integer(settings, ConfigKey.HTTP_MAX_CONNECTIONS_PER_IP, 1, 1_000_000),
                integer(settings, ConfigKey.HTTP_SEND_BUFFER_BYTES, 0, 64 << 20));
        StoreConfig store = new StoreConfig(
                dataDir,
                optional(settings, ConfigKey.STORE_JDBC_URL),
                optional(settings, ConfigKey.STORE_USERNAME),
                optional(settings, ConfigKey.STORE_PASSWORD),
                integer(settings, ConfigKey.STORE_POOL_SIZE, 1, 1000));
        AppsConfig apps = new AppsConfig(
                bool(settings, ConfigKey.APPS_CREATE_DEFAULT),
                nonBlank(settings, ConfigKey.APPS_DEFAULT_NAME),
                bool(settings, ConfigKey.DEV_USERSIG_ENDPOINT),
                Duration.ofSeconds(integer(settings, ConfigKey.APPS_REFRESH_SECONDS, 1, 3600)));
        int udpPort = integer(settings, ConfigKey.MEDIA_UDP_PORT, 0, 65535);
        int tcpPort = integer(settings, ConfigKey.MEDIA_TCP_PORT, -1, 65535);
        MediaConfig media = new MediaConfig(nonBlank(settings, ConfigKey.MEDIA_HOST), udpPort, tcpPort,
                candidateAddresses(settings),
                Duration.ofSeconds(integer(settings, ConfigKey.MEDIA_CONSENT_TIMEOUT, 2, 3600)),
                Duration.ofSeconds(integer(settings, ConfigKey.MEDIA_CONNECT_TIMEOUT, 1, 3600)),
                "auto".equalsIgnoreCase(text(settings, ConfigKey.MEDIA_EGRESS_THREADS))
                        ? MediaConfig.egressThreadsPerSpareCore()
                        : integer(settings, ConfigKey.MEDIA_EGRESS_THREADS, 0, MediaConfig.MAX_EGRESS_THREADS),
                mediaLimits(settings)).withGopCache(gopCache(settings))
                .withBandwidthEstimation(bool(settings, ConfigKey.MEDIA_BWE_ENABLED))
                .withPlayoutDelayMaxMillis(integer(settings, ConfigKey.MEDIA_BWE_PLAYOUT_DELAY_MAX_MS, 0,
                        MediaConfig.MAX_PLAYOUT_DELAY_MILLIS))
                .withLoops("auto".equalsIgnoreCase(text(settings, ConfigKey.MEDIA_LOOPS)) ? MediaConfig.loopsPerCore()
                        : integer(settings, ConfigKey.MEDIA_LOOPS, 1, MediaConfig.MAX_LOOPS))
                .withPlacementSlack(integer(settings, ConfigKey.MEDIA_LOOP_PLACEMENT_SLACK, 0, 100_000));
        RoomConfig defaults = RoomConfig.defaults();
        RoomConfig room = new RoomConfig(
                integer(settings, ConfigKey.ROOM_RTC_MAX_MEMBERS, 1, 1_000_000),
                integer(settings, ConfigKey.ROOM_RTC_MAX_PUBLISHERS, 1, 1_000_000),
                integer(settings, ConfigKey.ROOM_LIVE_MAX_ANCHORS, 1, 1_000_000),
                integer(settings, ConfigKey.ROOM_LIVE_MAX_AUDIENCE, 0, Integer.MAX_VALUE),
                Duration.ofSeconds(integer(settings, ConfigKey.ROOM_RESUME_GRACE, 0, 3600)),
                defaults.messageMaxBytes(), defaults.messagesPerSecond(),
                Duration.ofMillis(integer(settings, ConfigKey.ROOM_PK_MIN_CONNECT_INTERVAL, 0, 3_600_000)));
        SignalConfig signal = new SignalConfig(
                Duration.ofMillis(integer(settings, ConfigKey.SIGNAL_HEARTBEAT_INTERVAL, 100, 600_000)),
                Duration.ofSeconds(integer(settings, ConfigKey.SIGNAL_ENTER_TIMEOUT, 1, 3600)),
                integer(settings, ConfigKey.SIGNAL_MAX_QUEUED_BYTES, 4096, 1 << 30),
                integer(settings, ConfigKey.SIGNAL_COMMANDS_PER_SECOND, 1, 1_000_000),
                integer(settings, ConfigKey.SIGNAL_COMMAND_BURST, 1, 1_000_000),
                integer(settings, ConfigKey.SIGNAL_MAX_SOCKETS_PER_IP, 1, 1_000_000));
        if (signal.heartbeatInterval().compareTo(http.idleTimeout()) >= 0) {
            // Signalling sockets are HTTP connections: the idle timeout would cut every socket between heartbeats.
            throw invalid(settings, ConfigKey.SIGNAL_HEARTBEAT_INTERVAL, "must be shorter than http.idleTimeoutSeconds ("
                    + http.idleTimeout().toSeconds() + " s)");
        }
        HlsConfig hls = HlsConfig.DEFAULT.withEnabled(bool(settings, ConfigKey.LIVE_HLS_ENABLED)).withSegments(
                Duration.ofSeconds(integer(settings, ConfigKey.LIVE_HLS_SEGMENT_SECONDS, 1, 60)),
                integer(settings, ConfigKey.LIVE_HLS_PLAYLIST_SIZE, 2, 100));
        CdnConfig cdn = new CdnConfig(bool(settings, ConfigKey.CDN_ALLOW_PRIVATE_TARGETS),
                hostList(settings, ConfigKey.CDN_ALLOWED_HOSTS), hostList(settings, ConfigKey.CDN_DENIED_HOSTS),
                integer(settings, ConfigKey.CDN_MAX_RETRIES, 1, 1000),
                integer(settings, ConfigKey.CDN_MAX_RELAYS_PER_APP, 1, 100_000),
                integer(settings, ConfigKey.CDN_MAX_TASKS, 1, 100_000));
        LiveConfig live = new LiveConfig(integer(settings, ConfigKey.LIVE_MAX_PLAYER_BACKLOG, 65_536, 1 << 30),
                Duration.ofSeconds(integer(settings, ConfigKey.LIVE_IDLE_SECONDS, 1, 86_400)), hls,
                Duration.ofSeconds(integer(settings, ConfigKey.LIVE_SIGNED_URL_SECONDS, 60, 2_592_000)),
                integer(settings, ConfigKey.LIVE_MAX_TRANSCODES_PER_APP, 1, 10_000), cdn,
                new MixConfig(integer(settings, ConfigKey.MIX_MAX_PER_APP, 1, 10_000),
                        integer(settings, ConfigKey.MIX_MAX_PER_NODE, 1, 10_000),
                        integer(settings, ConfigKey.MIX_MAX_VIDEO_WIDTH, 64, 1920),
                        integer(settings, ConfigKey.MIX_MAX_VIDEO_HEIGHT, 64, 1920),
                        integer(settings, ConfigKey.MIX_MAX_VIDEO_BITRATE, 100, 100_000),
                        integer(settings, ConfigKey.MIX_IMAGE_MAX_BYTES, 1024, 16 * 1024 * 1024),
                        integer(settings, ConfigKey.MIX_IMAGE_MAX_PIXELS, 4, 4096 * 4096),
                        integer(settings, ConfigKey.MIX_IMAGE_TIMEOUT_MILLIS, 100, 60_000),
                        bool(settings, ConfigKey.MIX_IMAGE_ALLOW_PRIVATE_HOSTS),
                        hostList(settings, ConfigKey.MIX_IMAGE_ALLOWED_HOSTS)),
                Duration.ofMillis(integer(settings, ConfigKey.LIVE_MERGE_WINDOW_MS, 0,
                        (int) LiveConfig.MAX_MERGE_WINDOW.toMillis())));
        LimitsConfig limits = new LimitsConfig(
                integer(settings, ConfigKey.LIMITS_MAX_SESSIONS, 1, 10_000_000),
                integer(settings, ConfigKey.LIMITS_MAX_SESSIONS_PER_APP, 1, 10_000_000),
                integer(settings, ConfigKey.LIMITS_MAX_SESSIONS_PER_USER, 1, 10_000_000),
                integer(settings, ConfigKey.LIMITS_MAX_SESSIONS_PER_IP, 1, 10_000_000),
                integer(settings, ConfigKey.LIMITS_JOINS_PER_SECOND_PER_IP, 1, 1_000_000),
                integer(settings, ConfigKey.LIMITS_JOIN_BURST_PER_IP, 1, 10_000_000),
                integer(settings, ConfigKey.LIMITS_JOINS_PER_SECOND_PER_APP, 1, 1_000_000),
                integer(settings, ConfigKey.LIMITS_JOIN_BURST_PER_APP, 1, 10_000_000),
                integer(settings, ConfigKey.LIMITS_TRACKED_ADDRESSES, 16, 10_000_000));
        return new LianmaiConfig(dataDir, http, store, apps, media, room, signal,
                new RtmpConfig(nonBlank(settings, ConfigKey.RTMP_HOST), integer(settings, ConfigKey.RTMP_PORT, -1, 65535),
                        Duration.ofSeconds(integer(settings, ConfigKey.RTMP_HANDSHAKE_TIMEOUT, 1, 3600)),
                        Duration.ofSeconds(integer(settings, ConfigKey.RTMP_IDLE_TIMEOUT, 1, 86_400)),
                        integer(settings, ConfigKey.RTMP_PRE_AUTH_MAX_BYTES, 4096, 16 * 1024 * 1024),
                        integer(settings, ConfigKey.RTMP_MAX_MESSAGE_BYTES, 65_536, 16 * 1024 * 1024),
                        integer(settings, ConfigKey.RTMP_MAX_CONNECTIONS_PER_IP, 1, 1_000_000)),
                live, limits, turn(settings), api(settings), metrics(settings),
                callbacks(settings), history(settings), recording(settings, dataDir),
                cluster(settings, store, http),
                new RelayConfig(Duration.ofMillis(integer(settings, ConfigKey.CLUSTER_RELAY_IDLE_MILLIS, 100,
                        3_600_000))));
    }

    /** {@code api.*}: the credential key, when given, must be 32 bytes of base64. */
    private static ApiConfig api(Map<ConfigKey, Setting> settings) {
        Optional<String> key = optional(settings, ConfigKey.API_CREDENTIAL_KEY).map(String::strip);
        if (key.isPresent()) {
            byte[] bytes;
            try {
                bytes = java.util.Base64.getDecoder().decode(key.get());
            } catch (IllegalArgumentException e) {
                bytes = new byte[0];
            }
            if (bytes.length != 32) {
                throw invalid(settings, ConfigKey.API_CREDENTIAL_KEY, "must be 32 bytes in base64 (e.g. the output "
                        + "of: openssl rand -base64 32)");
            }
        }
        return new ApiConfig(integer(settings, ConfigKey.API_REQUESTS_PER_SECOND, 1, 100_000),
                integer(settings, ConfigKey.API_REQUESTS_PER_SECOND_PER_IP, 1, 1_000_000),
                integer(settings, ConfigKey.API_BURST_PER_IP, 1, 1_000_000),
                Duration.ofSeconds(integer(settings, ConfigKey.API_REMOVED_USER_REJOIN_SECONDS, 0, 2_592_000)),
                key);
    }

    /** {@code metrics.*}: the endpoint, its token and its management port. */
    private static MetricsConfig metrics(Map<ConfigKey, Setting> settings) {
        return new MetricsConfig(bool(settings, ConfigKey.METRICS_ENABLED), text(settings, ConfigKey.METRICS_TOKEN),
                nonBlank(settings, ConfigKey.METRICS_HOST), integer(settings, ConfigKey.METRICS_PORT, -1, 65535));
    }

    /** {@code callbacks.*}: docs/callbacks.md. */
    private static CallbacksConfig callbacks(Map<ConfigKey, Setting> settings) {
        return new CallbacksConfig(
                Duration.ofMillis(integer(settings, ConfigKey.CALLBACKS_TIMEOUT_MILLIS, 100, 120_000)),
                integer(settings, ConfigKey.CALLBACKS_MAX_CONCURRENT, 1, 10_000),
                Duration.ofMillis(integer(settings, ConfigKey.CALLBACKS_RETRY_INITIAL_MILLIS, 10, 3_600_000)),
                Duration.ofSeconds(integer(settings, ConfigKey.CALLBACKS_RETRY_MAX_SECONDS, 1, 86_400)),
                Duration.ofSeconds(integer(settings, ConfigKey.CALLBACKS_RETRY_FOR_SECONDS, 1, 30 * 86_400)),
                Duration.ofHours(integer(settings, ConfigKey.CALLBACKS_RETENTION_HOURS, 1, 365 * 24)),
                Duration.ofMillis(integer(settings, ConfigKey.CALLBACKS_POLL_MILLIS, 10, 60_000)),
                integer(settings, ConfigKey.CALLBACKS_QUEUE_SIZE, 100, 10_000_000),
                bool(settings, ConfigKey.CALLBACKS_ALLOW_PRIVATE_TARGETS),
                callbackLease(settings));
    }

    /** {@code callbacks.leaseSeconds}, which must outlast an attempt: connect and answer, each up to the timeout. */
    private static Duration callbackLease(Map<ConfigKey, Setting> settings) {
        Duration lease = Duration.ofSeconds(integer(settings, ConfigKey.CALLBACKS_LEASE_SECONDS, 1, 3600));
        long timeoutMillis = integer(settings, ConfigKey.CALLBACKS_TIMEOUT_MILLIS, 100, 120_000);
        if (lease.toMillis() <= 2 * timeoutMillis) {
            throw invalid(settings, ConfigKey.CALLBACKS_LEASE_SECONDS, "must be longer than twice "
                    + "callbacks.timeoutMillis (" + 2 * timeoutMillis + " ms): an attempt may take that long");
        }
        return lease;
    }

    /** {@code history.*}: room and member history for the call-quality actions. */
    /** {@code recording.*}: the directory defaults to {@code {data.dir}/recordings}. */
    private RecordingConfig recording(Map<ConfigKey, Setting> settings, Path dataDir) {
        RecordingConfig defaults = RecordingConfig.defaults(dataDir);
        Path directory = optional(settings, ConfigKey.RECORDING_DIR)
                .map(dir -> workingDirectory.resolve(dir).normalize()).orElse(defaults.directory());
        return new RecordingConfig(directory, integer(settings, ConfigKey.RECORDING_MAX_TASKS_PER_APP, 1, 100_000),
                integer(settings, ConfigKey.RECORDING_MIN_FREE_MEGABYTES, 0, 100_000_000) * 1024L * 1024,
                defaults.checkInterval());
    }

    /**
     * {@code cluster.*}: off without {@code cluster.redis}; on, it needs a shared database (not the embedded one) and
     * the 32-byte secret, and a node TTL of at least two heartbeats.
     */
    private static ClusterConfig cluster(Map<ConfigKey, Setting> settings, StoreConfig store, HttpConfig http) {
        Optional<URI> redis = optional(settings, ConfigKey.CLUSTER_REDIS).map(String::strip).map(value -> {
            try {
                URI uri = new URI(value);
                if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw invalid(settings, ConfigKey.CLUSTER_REDIS, "must be redis://[:password@]host:port[/db]");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw invalid(settings, ConfigKey.CLUSTER_REDIS, "must be redis://[:password@]host:port[/db]");
            }
        });
        String nodeId = optional(settings, ConfigKey.CLUSTER_NODE_ID).map(String::strip)
                .orElseGet(() -> defaultNodeId(http.port()));
        if (!nodeId.matches(ClusterConfig.NODE_ID_PATTERN)) {
            throw invalid(settings, ConfigKey.CLUSTER_NODE_ID, "must be 1 to 64 letters, digits, '.', '-' or '_'");
        }
        byte[] secret = optional(settings, ConfigKey.CLUSTER_SECRET).map(String::strip).map(value -> {
            try {
                return java.util.Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                return new byte[0];
            }
        }).orElse(new byte[0]);
        Optional<URI> internalUrl = optional(settings, ConfigKey.CLUSTER_INTERNAL_URL).map(String::strip).map(value -> {
            URI uri;
            try {
                uri = new URI(value);
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null || !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                    || uri.getHost() == null) {
                throw invalid(settings, ConfigKey.CLUSTER_INTERNAL_URL, "must be an http:// or https:// URL");
            }
            return uri;
        });
        Duration heartbeat = Duration.ofMillis(integer(settings, ConfigKey.CLUSTER_HEARTBEAT_MILLIS, 100, 60_000));
        Duration ttl = Duration.ofMillis(integer(settings, ConfigKey.CLUSTER_NODE_TTL_MILLIS, 200, 600_000));
        if (redis.isPresent()) {
            if (secret.length != 32) {
                throw invalid(settings, ConfigKey.CLUSTER_SECRET, "must be 32 bytes in base64 in cluster mode (the "
                        + "same on every node; e.g. the output of: openssl rand -base64 32)");
            }
            if (store.jdbcUrl().isEmpty()) {
                throw invalid(settings, ConfigKey.STORE_JDBC_URL, "must name the PostgreSQL database the nodes share "
                        + "in cluster mode (the embedded database is one node's)");
            }
            if (optional(settings, ConfigKey.API_CREDENTIAL_KEY).map(String::strip).filter(k -> !k.isEmpty())
                    .isEmpty()) {
                // A key file under one node's data directory would seal credentials the other nodes cannot open.
                throw invalid(settings, ConfigKey.API_CREDENTIAL_KEY, "must be set in cluster mode, the same on every "
                        + "node: the server API's credentials in the shared database are sealed with it (e.g. the "
                        + "output of: openssl rand -base64 32)");
            }
            if (ClusterConfig.tooShortForHeartbeat(ttl, heartbeat)) {
                throw invalid(settings, ConfigKey.CLUSTER_NODE_TTL_MILLIS, "must be at least twice "
                        + "cluster.heartbeatMillis (" + heartbeat.toMillis() + " ms)");
            }
        }
        return new ClusterConfig(redis, nodeId, secret, internalUrl, heartbeat, ttl,
                bool(settings, ConfigKey.CLUSTER_EDGE_AUDIENCE),
                integer(settings, ConfigKey.CLUSTER_ROOM_MEMBERS_PER_NODE, 1, 100_000),
                integer(settings, ConfigKey.CLUSTER_MAX_EDGE_ROOMS, 1, 1_000_000),
                integer(settings, ConfigKey.CLUSTER_EDGE_FANOUT, 0, 10_000));
    }

    /** The host name and HTTP port: unique among nodes on one machine as long as their ports differ. */
    private static String defaultNodeId(int httpPort) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + httpPort;
        return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }

    private static HistoryConfig history(Map<ConfigKey, Setting> settings) {
        return new HistoryConfig(bool(settings, ConfigKey.HISTORY_ENABLED),
                Duration.ofDays(integer(settings, ConfigKey.HISTORY_RETENTION_DAYS, 1, 3650)),
                Duration.ofSeconds(integer(settings, ConfigKey.HISTORY_SAMPLE_SECONDS, 1, 3600)));
    }

    /** {@code turn.*}: URLs checked for their scheme; a secret required as soon as one is a TURN server. */
    private static TurnConfig turn(Map<ConfigKey, Setting> settings) {
        List<String> urls = new ArrayList<>();
        boolean relays = false;
        for (String part : text(settings, ConfigKey.TURN_URLS).split(",")) {
            String url = part.trim();
            if (url.isEmpty()) {
                continue;
            }
            if (!url.matches("(turns?|stuns?):[^\\s<>\"]+")) {
                throw invalid(settings, ConfigKey.TURN_URLS, "must list turn:, turns:, stun: or stuns: URLs "
                        + "separated by commas");
            }
            relays |= url.startsWith("turn");
            urls.add(url);
        }
        String secret = text(settings, ConfigKey.TURN_SECRET);
        if (relays && secret.isEmpty()) {
            throw invalid(settings, ConfigKey.TURN_SECRET, "must be set when turn.urls lists a TURN server");
        }
        return new TurnConfig(urls, secret,
                Duration.ofSeconds(integer(settings, ConfigKey.TURN_CREDENTIAL_SECONDS, 60, 604_800)));
    }

    /** How video layers cache packets and start new viewers from their last keyframe: docs/media.md, "First frame". */
    private static GopCacheConfig gopCache(Map<ConfigKey, Setting> settings) {
        int packets = integer(settings, ConfigKey.MEDIA_VIDEO_CACHE_PACKETS, 64, 32768);
        if (Integer.bitCount(packets) != 1) {
            throw invalid(settings, ConfigKey.MEDIA_VIDEO_CACHE_PACKETS, "must be a power of two");
        }
        return new GopCacheConfig(packets, integer(settings, ConfigKey.MEDIA_KEYFRAME_WAIT, -1, 60_000));
    }

    /** What media clients may take: docs/security.md, "Media plane". */
    private static MediaLimits mediaLimits(Map<ConfigKey, Setting> settings) {
        return new MediaLimits(
                "auto".equalsIgnoreCase(text(settings, ConfigKey.MEDIA_DTLS_THREADS))
                        ? MediaLimits.defaultDtlsThreads()
                        : integer(settings, ConfigKey.MEDIA_DTLS_THREADS, MediaLimits.MIN_DTLS_THREADS, 1024),
                integer(settings, ConfigKey.MEDIA_DTLS_QUEUE, 0, 1_000_000),
                integer(settings, ConfigKey.MEDIA_MAX_SESSIONS, 1, Integer.MAX_VALUE),
                Duration.ofSeconds(integer(settings, ConfigKey.MEDIA_TCP_HANDSHAKE_TIMEOUT, 1, 3600)),
                integer(settings, ConfigKey.MEDIA_TCP_MAX_CONNECTIONS_PER_IP, 1, 1_000_000),
                integer(settings, ConfigKey.MEDIA_MAX_ADDRESSES_PER_SESSION, 2, 64),
                new RetransmissionLimits(
                        integer(settings, ConfigKey.MEDIA_NACK_REPEAT_INTERVAL, 0, 60_000),
                        integer(settings, ConfigKey.MEDIA_NACK_MAX_PER_SECOND, 1, 1_000_000),
                        integer(settings, ConfigKey.MEDIA_NACK_MAX_SHARE, 1, 1_000)));
    }

    private static List<String> candidateAddresses(Map<ConfigKey, Setting> settings) {
        String value = text(settings, ConfigKey.MEDIA_PUBLIC_IP);
        List<String> addresses = new ArrayList<>();
        if (value.isEmpty()) {
            addresses.add("127.0.0.1");
            addresses.addAll(localAddresses());
            return addresses;
        }
        for (String part : value.split(",")) {
            String address = part.trim();
            if (address.isEmpty()) {
                continue;
            }
            if (!InetAddresses.isLiteral(address)) {
                throw invalid(settings, ConfigKey.MEDIA_PUBLIC_IP, "must list IP addresses, not host names");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty()) {
            throw invalid(settings, ConfigKey.MEDIA_PUBLIC_IP, "must list at least one IP address");
        }
        return addresses;
    }

    /** The machine's non-loopback IPv4 addresses on interfaces that are up, so LAN clients can connect. */
    private static List<String> localAddresses() {
        List<String> found = new ArrayList<>();
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!network.isUp() || network.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        found.add(address.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            // No interface list: loopback alone still serves browsers on this machine.
        }
        return found;
    }

    /** A comma-separated list of host names, IP addresses and CIDR blocks; each entry is checked here. */
    private static List<String> hostList(Map<ConfigKey, Setting> settings, ConfigKey key) {
        List<String> hosts = new ArrayList<>();
        for (String part : text(settings, key).split(",")) {
            String host = part.trim().toLowerCase(Locale.ROOT);
            if (host.isEmpty()) {
                continue;
            }
            if (!host.matches("[a-z0-9.:\\-\\[\\]]+(/[0-9]{1,3})?")) {
                throw invalid(settings, key, "must list host names, IP addresses or CIDR blocks separated by commas");
            }
            hosts.add(host);
        }
        return hosts;
    }

    private static String text(Map<ConfigKey, Setting> settings, ConfigKey key) {
        return settings.get(key).value().trim();
    }

    private static String nonBlank(Map<ConfigKey, Setting> settings, ConfigKey key) {
        String value = text(settings, key);
        if (value.isEmpty()) {
            throw invalid(settings, key, "must not be empty");
        }
        return value;
    }

    private static Optional<String> optional(Map<ConfigKey, Setting> settings, ConfigKey key) {
        String value = text(settings, key);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static int integer(Map<ConfigKey, Setting> settings, ConfigKey key, int min, int max) {
        String value = text(settings, key);
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(settings, key, "must be a whole number");
        }
        if (parsed < min || parsed > max) {
            throw invalid(settings, key, "must be between " + min + " and " + max);
        }
        return parsed;
    }

    private static boolean bool(Map<ConfigKey, Setting> settings, ConfigKey key) {
        String value = text(settings, key).toLowerCase(Locale.ROOT);
        switch (value) {
            case "true", "yes", "on", "1":
                return true;
            case "false", "no", "off", "0":
                return false;
            default:
                throw invalid(settings, key, "must be true or false");
        }
    }

    private static ConfigException invalid(Map<ConfigKey, Setting> settings, ConfigKey key, String problem) {
        Setting setting = settings.get(key);
        String shown = key.secret() ? "(hidden)" : "'" + setting.value() + "'";
        return new ConfigException(key.key() + " " + problem + ", got " + shown + " from " + setting.source());
    }

    private record Setting(String value, String source) {
    }
}
