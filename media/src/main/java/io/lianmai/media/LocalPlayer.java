package io.lianmai.media;

/** An in-process player of a published stream; see {@link MediaPlane#playLocal}. */
public interface LocalPlayer {
    /** The session id, as {@link MediaPlane#end} and {@link MediaPlane#onSessionEnded} know it. */
    String sessionId();

    /** Asks the publisher for a keyframe (after the player lost or dropped packets); rate-limited upstream. */
    void requestKeyframe();

    /** Stops receiving; {@link LocalSink#onEnd} follows. */
    void end();
}
