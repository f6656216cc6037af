package io.lianmai.media.bwe;

import io.lianmai.wire.rtcp.TransportFeedbackWriter;
import io.lianmai.wire.rtp.SequenceNumberUnwrapper;
import java.util.Arrays;

/**
 * The receive side of transport-wide congestion control for one publisher's transport: remembers when each packet
 * carrying a transport-wide sequence number arrived, and writes the transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) that lets the publisher's own send-side estimator adapt
 * its uplink. Without it, a sender that negotiated transport-cc never learns what the path carries and stays at its
 * start bitrate.
 *
 * <p>Feedback goes out every {@link #INTERVAL_MILLIS} and as soon as {@link #LARGE_RUN} packets wait (a keyframe
 * burst), as libwebrtc's receiver does (its {@code RemoteEstimatorProxy} sends every 50–250 ms). Each reports the
 * packets from where the last one ended up to the newest arrival, losses included; a packet that arrives after the
 * feedback that reported it lost is not reported again (the sender counts it lost; at worst that is one spurious
 * loss per reordering). A jump of more than the ring's span restarts reporting from the new packet.
 *
 * <p>Arrival times are the media loop's millisecond clock in µs: the format keeps 250 µs, so the deltas are
 * quantised to 1 ms, which the sender's trendline filter smooths (mediasoup's receiver does the same).
 *
 * <p>On the media loop; allocates nothing after construction (a ring of 2,048 arrival times, 16 KB: at 60 ms per
 * feedback it holds a 30,000 packets/s stream's worth; a longer stall restarts reporting).
 */
public final class TransportFeedbackGenerator {
    /** Feedback interval: libwebrtc's default lies between its 50 and 250 ms bounds; the media tick is 20 ms. */
    public static final long INTERVAL_MILLIS = 50;
    /** Packets waiting that trigger a feedback before the interval. */
    public static final int LARGE_RUN = 128;
    /** Largest feedback: well inside an MTU with SRTCP's tailroom. */
    public static final int MAX_FEEDBACK_BYTES = 1200;
    /** Feedbacks written at most per call, so a flood cannot hold the loop. */
    private static final int MAX_FEEDBACKS_PER_CALL = 8;
    private static final int RING = 1 << 11;
    private static final int MASK = RING - 1;

    private final long[] arrivals = new long[RING];
    private final SequenceNumberUnwrapper unwrapper = new SequenceNumberUnwrapper();
    private final TransportFeedbackWriter writer = new TransportFeedbackWriter();
    private final long senderSsrc;
    private boolean started;
    /** Unwrapped sequence number of the first packet not yet reported. */
    private long nextToReport;
    /** Highest unwrapped sequence number received. */
    private long highest;
    private long lastFeedbackMillis;
    private int feedbackCount;
    private long packetsRecorded;
    private long feedbacksSent;
    private long lateArrivals;

    /** @param senderSsrc the SSRC the server sends RTCP from towards this publisher */
    public TransportFeedbackGenerator(long senderSsrc) {
        this.senderSsrc = senderSsrc;
        Arrays.fill(arrivals, TransportFeedbackWriter.NOT_RECEIVED);
    }

    /** Records the arrival of the packet numbered {@code sequenceNumber} (0..65535; a negative value is ignored). */
    public void onPacket(int sequenceNumber, long nowMillis) {
        if (sequenceNumber < 0) {
            return;
        }
        long seq = unwrapper.unwrap(sequenceNumber);
        if (!started || seq - nextToReport >= RING || highest - seq >= RING) {
            restartAt(seq);
        }
        if (seq < nextToReport) {
            lateArrivals++;
            return;
        }
        if (seq > highest) {
            for (long s = highest + 1; s < seq; s++) {
                arrivals[(int) (s & MASK)] = TransportFeedbackWriter.NOT_RECEIVED;
            }
            highest = seq;
        }
        arrivals[(int) (seq & MASK)] = nowMillis * 1000;
        packetsRecorded++;
    }

    private void restartAt(long seq) {
        started = true;
        nextToReport = seq;
        highest = seq;
    }

    /** Whether so many packets wait that feedback should go now rather than at the next interval. */
    public boolean hasLargeRun() {
        return started && highest - nextToReport + 1 >= LARGE_RUN;
    }

    /**
     * Writes the feedback due at {@code nowMillis} into {@code buf} and hands each to {@code sink}; nothing when the
     * interval has not passed (unless a large run waits) or nothing new arrived. Returns how many it sent.
     *
     * @param mediaSsrc by convention the SSRC of one of the publisher's streams (the feedback covers them all)
     */
    public int sendDue(long nowMillis, long mediaSsrc, byte[] buf, FeedbackSink sink) {
        if (!started || highest < nextToReport
                || nowMillis - lastFeedbackMillis < INTERVAL_MILLIS && !hasLargeRun()) {
            return 0;
        }
        lastFeedbackMillis = nowMillis;
        int sent = 0;
        while (highest >= nextToReport && sent < MAX_FEEDBACKS_PER_CALL) {
            int count = (int) Math.min(highest - nextToReport + 1, TransportFeedbackWriter.MAX_PACKETS);
            int len = writer.write(buf, 0, Math.min(MAX_FEEDBACK_BYTES, buf.length), senderSsrc, mediaSsrc,
                    (int) (nextToReport & 0xFFFF), feedbackCount, arrivals, (int) (nextToReport & MASK), MASK,
                    count);
            if (len < 0) {
                // Nothing received in the first MAX_PACKETS: skip them (the sender times them out as lost).
                nextToReport += count;
                continue;
            }
            nextToReport += writer.reportedPackets();
            feedbackCount = (feedbackCount + 1) & 0xFF;
            feedbacksSent++;
            sent++;
            sink.sendRtcp(buf, 0, len);
        }
        return sent;
    }

    /** Where feedback goes: the publisher's session. */
    @FunctionalInterface
    public interface FeedbackSink {
        /** Sends one RTCP packet; consumes the bytes before it returns. */
        void sendRtcp(byte[] buf, int off, int len);
    }

    /** Packets whose arrival was recorded. */
    public long packetsRecorded() {
        return packetsRecorded;
    }

    /** Feedback packets sent. */
    public long feedbacksSent() {
        return feedbacksSent;
    }

    /** Packets that arrived after a feedback had reported them lost. */
    public long lateArrivals() {
        return lateArrivals;
    }
}
