package io.lianmai.media.bwe;

/** What the delay-based detector concludes about the path (draft-ietf-rmcat-gcc-02 §5.4, libwebrtc's names). */
public enum BandwidthUsage {
    /** Queuing delay is stable: the sender may increase. */
    NORMAL,
    /** Queuing delay is growing: the sender exceeds the path and must decrease. */
    OVERUSING,
    /** Queuing delay is shrinking (a queue drains): hold the rate until it is empty. */
    UNDERUSING
}
