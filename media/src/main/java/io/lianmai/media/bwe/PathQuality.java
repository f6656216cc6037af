package io.lianmai.media.bwe;

/** What a player's feedback says of its path besides the rate: how much it loses and how long a round trip takes. */
public interface PathQuality {
    /** The share of the packets lost in the latest window reported, 0..1. */
    double lossFraction();

    /** The latest round trip measured from the feedback, µs (what the bottleneck's queue adds included). */
    long feedbackRttMicros();
}
