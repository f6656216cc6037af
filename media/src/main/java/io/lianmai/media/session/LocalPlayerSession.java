package io.lianmai.media.session;

import io.lianmai.common.BigEndian;
import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalSink;
import io.lianmai.media.sfu.DownTrack;
import io.lianmai.media.sfu.RtpSink;
import io.lianmai.media.sfu.Subscription;
import io.netty.channel.EventLoop;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A player inside the server: its {@link Subscription}'s down-tracks deliver plaintext RTP to a {@link LocalSink}
 * on the media loop, and each track's sender report once a second.
 */
final class LocalPlayerSession extends Session implements LocalPlayer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPlayerSession.class);

    private final SessionHost host;
    private final EventLoop loop;
    private static final long REPORT_INTERVAL_MILLIS = 1000;

    private final LocalSink sink;
    private long lastReportMillis = Long.MIN_VALUE / 2;
    /** Tracks (a bit each) whose first sender report has gone to the sink. */
    private long reported;

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

    /**
     * Each down-track's sender report (the publisher's NTP ↔ RTP mapping in this player's timestamp space) goes to the
     * sink for lip sync: a track's first as soon as it has one, then once a second. Keyframe requests come through
     * requestKeyframe.
     */
    @Override
    void tick(long nowMillis, byte[] scratch) {
        if (!(role() instanceof Subscription subscription)) {
            return;
        }
        boolean due = nowMillis - lastReportMillis >= REPORT_INTERVAL_MILLIS;
        if (due) {
            lastReportMillis = nowMillis;
        }
        List<DownTrack> downTracks = subscription.downTracks();
        for (int track = 0; track < downTracks.size() && track < 64; track++) {
            long bit = 1L << track;
            if ((!due && (reported & bit) != 0) || downTracks.get(track).writeSenderReport(scratch, 0) <= 0) {
                continue;
            }
            reported |= bit;
            try {
                sink.onSenderReport(track, BigEndian.i64(scratch, 8), BigEndian.u32(scratch, 16));
            } catch (RuntimeException e) {
                loop.execute(() -> {
                    LOG.warn("local player {} failed on a sender report and is ended", id(), e);
                    host.endSession(LocalPlayerSession.this, EndReason.INTERNAL_ERROR);
                });
                return;
            }
        }
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
