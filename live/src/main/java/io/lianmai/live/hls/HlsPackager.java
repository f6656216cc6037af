package io.lianmai.live.hls;

import io.lianmai.live.flv.LiveStreamObserver;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Packages every live stream of a {@link io.lianmai.live.flv.LiveStreamHub} as HLS while it is live (a remux, no
 * decoding), and serves each stream's playlist and segments; an ended stream's finished playlist stays for
 * {@link HlsConfig#endedRetention}, until {@link #expire} forgets it.
 *
 * <p>Thread-safe. As an observer it is called on publishers' threads; readers call from any thread. One stream's bad
 * input stops that stream's HLS only.
 */
public final class HlsPackager implements LiveStreamObserver, AutoCloseable {
    private final HlsConfig config;
    private final Clock clock;
    private final TsMuxer.Factory muxers;
    private final Map<String, HlsStream> streams = new ConcurrentHashMap<>();

    /** Packages with FFmpeg's MPEG-TS muxer. */
    public HlsPackager(HlsConfig config, Clock clock) {
        this(config, clock, new FfmpegTsMuxers());
    }

    HlsPackager(HlsConfig config, Clock clock, TsMuxer.Factory muxers) {
        this.config = config;
        this.clock = clock;
        this.muxers = muxers;
    }

    @Override
    public void onPublish(String name) {
        streams.compute(name, (key, stream) -> {
            HlsStream live = stream != null ? stream : new HlsStream(key, config, clock, muxers);
            live.onPublish();
            return live;
        });
    }

    @Override
    public void onMessage(String name, int type, long timestamp, ByteBuf body) {
        HlsStream stream = streams.get(name);
        if (stream != null) {
            stream.onMessage(type, timestamp, body);
        }
    }

    @Override
    public void onUnpublish(String name) {
        HlsStream stream = streams.get(name);
        if (stream != null) {
            stream.onUnpublish();
        }
    }

    /** The playlist of {@code name}, live or recently ended; empty when the stream is unknown. */
    public Optional<HlsPlaylist> playlist(String name) {
        HlsStream stream = streams.get(name);
        return stream == null ? Optional.empty() : Optional.of(stream.playlist());
    }

    /** A held segment of {@code name}. */
    public Optional<HlsSegment> segment(String name, long sequence) {
        return playlist(name).flatMap(playlist -> playlist.segment(sequence));
    }

    /** Forgets streams that ended longer than {@link HlsConfig#endedRetention} ago; call every few seconds. */
    public void expire() {
        Instant now = clock.instant();
        for (String name : streams.keySet()) {
            streams.computeIfPresent(name, (key, stream) -> {
                if (stream.expired(now)) {
                    stream.close();
                    return null;
                }
                return stream;
            });
        }
    }

    /** Streams with a playlist, live or recently ended. */
    public int streamCount() {
        return streams.size();
    }

    /** Frees every stream's muxer. */
    @Override
    public void close() {
        for (String name : streams.keySet()) {
            streams.computeIfPresent(name, (key, stream) -> {
                stream.close();
                return null;
            });
        }
    }
}
