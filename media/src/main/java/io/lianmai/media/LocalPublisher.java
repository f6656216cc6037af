package io.lianmai.media;

/**
 * An in-process publisher (a bridge from RTMP, say): it pushes plaintext RTP into the media plane, which forwards
 * it to players exactly as it forwards a WebRTC publisher's packets.
 */
public interface LocalPublisher {
    /** The session id, as {@link MediaPlane#end} and {@link MediaPlane#onSessionEnded} know it. */
    String sessionId();

    /**
     * Queues one RTP packet of track {@code track} (index in the list given to {@link MediaPlane#publishLocal}).
     * The packet is copied; its SSRC and payload type are set to the track's, so the caller may write any. Safe to
     * call from one thread per track; never blocks.
     *
     * @return false when the packet was dropped: the queue is full (the media loop is far behind), the packet is
     *     malformed or too large, or the session has ended
     */
    boolean send(int track, byte[] rtp, int off, int len);

    /**
     * Tells players when track {@code track} was captured: RTP timestamp {@code rtpTimestamp} (the caller's, as in
     * its packets) is the wall-clock instant {@code ntpTimestamp} (64-bit NTP format, RFC 3550 §4). Players get it as
     * the track's RTCP sender report (RFC 3550 §6.4.1), translated into their own timestamp space, which is what
     * receivers align audio and video with (lip sync). Call it about once a second per track, and on the thread that
     * sends the track's packets; never blocks.
     *
     * @return false when it was dropped (a report is still queued, or the session has ended)
     */
    boolean senderReport(int track, long ntpTimestamp, long rtpTimestamp);

    /**
     * Registers {@code listener} to hear when players want a keyframe on a video track (a player joined or lost
     * packets); called on the media loop, rate-limited, must not block.
     */
    void onKeyframeRequest(Runnable listener);

    /**
     * Registers {@code listener} to hear the generic NACKs (RFC 4585 §6.2.1) the media plane sends this publisher
     * when packets of a track went missing: for a publisher that can still repair its stream (a relay from another
     * node, which passes them on). Called on the media loop; the buffer is only valid during the call.
     */
    void onNack(NackListener listener);

    /** Hears a publisher's NACKs ({@link #onNack}). */
    @FunctionalInterface
    interface NackListener {
        /**
         * One generic NACK packet {@code rtcp[off, off + len)} for track {@code track}, its media SSRC the track's
         * SSRC in this server (the caller's packets' SSRC was replaced); read it, do not keep it.
         */
        void onNack(int track, byte[] rtcp, int off, int len);
    }

    /** False once the session has ended (by {@link #end}, replacement, or shutdown). */
    boolean isActive();

    /** Ends the session; its players end too. */
    void end();
}
