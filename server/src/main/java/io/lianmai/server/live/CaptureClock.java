package io.lianmai.server.live;

import io.lianmai.wire.rtcp.NtpTimestamp;

/**
 * One track's capture clock as its sender reports tell it (RFC 3550 §6.4.1): which wall-clock instant an RTP
 * timestamp was captured at. A report pairs an NTP time with an RTP timestamp; libwebrtc stamps it from the capture
 * time, but some senders (aiortc) stamp it when they send the packet, after encoding, so a report can only be late,
 * never early. The clock therefore keeps, over its latest {@value #WINDOW} reports, the earliest capture instant
 * they give for RTP time 0 of its extended timeline: the least delayed report. A window, not all reports, so that
 * the sender's clock may drift.
 *
 * <p>Not thread-safe: one owner.
 */
final class CaptureClock {
    static final int WINDOW = 10;

    private final long ticksPerSecond;
    /** Wall-clock milliseconds of extended RTP time 0, as each recent report gives it (a ring). */
    private final double[] origins = new double[WINDOW];
    private int reports;
    private long lastRtp;
    private long extended;

    CaptureClock(long ticksPerSecond) {
        this.ticksPerSecond = ticksPerSecond;
    }

    /** One report: RTP timestamp {@code rtpTimestamp} (32 bits) was sent or captured at {@code ntpTimestamp}. */
    void onReport(long ntpTimestamp, long rtpTimestamp) {
        long rtp = rtpTimestamp & 0xFFFF_FFFFL;
        extended = reports == 0 ? rtp : extended + (int) (rtp - lastRtp);
        lastRtp = rtp;
        double wallMillis = NtpTimestamp.toUnixNanos(ntpTimestamp) / 1e6;
        origins[reports++ % WINDOW] = wallMillis - extended * 1000.0 / ticksPerSecond;
    }

    boolean known() {
        return reports > 0;
    }

    /** The earliest origin of the window (see the class comment). */
    private double origin() {
        double earliest = Double.MAX_VALUE;
        for (int i = 0; i < Math.min(reports, WINDOW); i++) {
            earliest = Math.min(earliest, origins[i]);
        }
        return earliest;
    }

    /** The wall-clock milliseconds {@code rtpTimestamp} (32 bits, near the latest report's) was captured at. */
    double captureMillis(long rtpTimestamp) {
        long at = extended + (int) ((rtpTimestamp & 0xFFFF_FFFFL) - lastRtp);
        return origin() + at * 1000.0 / ticksPerSecond;
    }

    /** The RTP timestamp (32 bits) captured at wall-clock milliseconds {@code wallMillis}. */
    long rtpAt(double wallMillis) {
        return Math.round((wallMillis - origin()) * ticksPerSecond / 1000.0) & 0xFFFF_FFFFL;
    }
}
