package io.lianmai.media.session;

import io.lianmai.media.sfu.RtpSink;
import io.lianmai.media.sfu.SessionRole;
import io.lianmai.media.transport.PeerConnection;

/**
 * One publisher or player of the media server: a peer connection ({@link WebRtcSession}) or an in-process bridge
 * ({@link LocalPublisherSession}, {@link LocalPlayerSession}). Owned by the media loop.
 */
public abstract class Session implements RtpSink, PeerConnection {
    /** Why a session ended, for logs and counters. */
    enum EndReason {
        CLIENT_DELETE, REPLACED,
        /** A mirror of another loop's publisher that no player of its loop played for a while. */
        UNUSED,
        ICE_FAILED, DTLS_FAILED, DTLS_CLOSED, PUBLISHER_GONE, INTERNAL_ERROR, SHUTDOWN,
        /** Its offer was refused after the session was made (nothing to forward); the client never saw it. */
        REFUSED
    }

    private final String id;
    private SessionRole role;
    /** Volatile: an ICE-TCP connection of another loop reads it (see {@code demux.LoopLinks}). */
    private volatile boolean ended;

    Session(String id) {
        this.id = id;
    }

    final String id() {
        return id;
    }

    final SessionRole role() {
        return role;
    }

    final void setRole(SessionRole sessionRole) {
        this.role = sessionRole;
    }

    @Override
    public final boolean isEnded() {
        return ended;
    }

    /** Periodic work (about every 20 ms) on the media loop. */
    abstract void tick(long nowMillis, byte[] scratch);

    /** Ends the session: idempotent, on the media loop. */
    final void finish() {
        if (ended) {
            return;
        }
        ended = true;
        if (role != null) {
            role.close();
        }
        onEnded();
    }

    /** Releases what the kind of session holds, once, after its role detached. */
    abstract void onEnded();
}
