package io.lianmai.media.session;

import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalSink;
import io.lianmai.media.sfu.DownTrack;
import io.lianmai.media.sfu.RtpSink;
import io.lianmai.media.sfu.Subscription;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A player inside the server: its {@link Subscription}'s down-tracks deliver plaintext RTP to a {@link LocalSink}
 * on the media loop. Sender reports it would send are dropped.
 */
final class LocalPlayerSession extends Session implements LocalPlayer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPlayerSession.class);

    private final SessionHost host;
    private final EventLoop loop;
    private final LocalSink sink;

    LocalPlayerSession(String id, SessionHost host, EventLoop loop, LocalSink sink) {
        super(id);
        this.host = host;
        this.loop = loop;
        this.sink = sink;
    }

    /** The sink of one down-track: tags its packets with the track index. */
    RtpSink trackSink(int track) {
        return new RtpSink() {
            @Override
            public void sendRtp(byte[] buf, int off, int len) {
                try {
                    sink.onRtp(track, buf, off, len);
                } catch (RuntimeException e) {
                    // A broken bridge must not break the publisher's forwarding loop for everyone else.
                    loop.execute(() -> {
                        LOG.warn("local player {} failed on a packet and is ended", id(), e);
                        host.endSession(LocalPlayerSession.this, EndReason.INTERNAL_ERROR);
                    });
                }
            }

            @Override
            public void sendRtcp(byte[] buf, int off, int len) {
                // Nobody to tell.
            }
        };
    }

    @Override
    public String sessionId() {
        return id();
    }

    @Override
    public void requestKeyframe() {
        loop.execute(() -> {
            if (!isEnded() && role() instanceof Subscription subscription) {
                for (DownTrack downTrack : subscription.downTracks()) {
                    if (downTrack.source().isVideo()) {
                        downTrack.requestKeyframe();
                    }
                }
            }
        });
    }

    @Override
    public void end() {
        host.end(id());
    }

    @Override
    void tick(long nowMillis, byte[] scratch) {
        // Sender reports would go nowhere; keyframe requests come through requestKeyframe.
    }

    @Override
    void onEnded() {
        // After the server has finished ending the session (its maps and player counts are up to date).
        try {
            loop.execute(this::notifyEnd);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            notifyEnd(); // the loop is shutting down
        }
    }

    private void notifyEnd() {
        try {
            sink.onEnd();
        } catch (RuntimeException e) {
            LOG.warn("local player {}: its sink failed on end", id(), e);
        }
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        // Down-tracks use trackSink.
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        // Nothing to send.
    }
}
