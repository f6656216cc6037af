package io.lianmai.server.live;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.common.LiveStreamName;
import io.lianmai.server.http.ServerErrors;
import io.lianmai.store.App;
import io.lianmai.store.AppLookup;
import java.time.Clock;
import io.lianmai.common.SdkAppId;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides whether live output of a stream may be served (HTTP-FLV, HLS playlist and segments, RTMP play): the stream
 * must be one of a registered, enabled app, and the request must carry a valid signed URL ({@link PlaybackSignature},
 * Tencent CSS hotlink protection) unless the app serves playback publicly. Only then may a room stream be bridged to
 * live output, and only while the app has fewer than {@code live.maxTranscodesPerApp} bridged.
 *
 * <p>Every refusal happens before anything starts: no bridge, no transcode, no HLS wait. Thread-safe; apps are read
 * from memory (the app directory), so a check never blocks.
 */
public final class PlaybackGate {
    /** Seconds a client is told to wait when the app's transcodes are all busy. */
    public static final int RETRY_AFTER_SECONDS = 30;

    /** What a play request gets. */
    public enum Outcome {
        /** Serve it. */
        ALLOWED(200),
        /** Not a stream name of any app. */
        NOT_FOUND(404),
        /** No valid signature (or an unknown or disabled app). */
        FORBIDDEN(403),
        /** The app's on-demand transcodes are all in use. */
        BUSY(503);

        private final int status;

        Outcome(int status) {
            this.status = status;
        }

        /** The HTTP status of this outcome. */
        public int status() {
            return status;
        }
    }

    /**
     * An outcome and the message a refused client sees (never a key or a signature).
     *
     * @param signedQuery for an allowed signed request, {@code txSecret=…&txTime=…} as verified (HLS puts it on its
     *                    segment URIs); empty for public playback
     */
    public record Decision(Outcome outcome, String message, String signedQuery) {
        static final Decision PUBLIC = new Decision(Outcome.ALLOWED, "", "");

        Decision(Outcome outcome, String message) {
            this(outcome, message, "");
        }

        public boolean allowed() {
            return outcome == Outcome.ALLOWED;
        }
    }

    private final AppLookup apps;
    private final Supplier<LiveBridges> bridges;
    private final Function<String, Optional<SdkAppId>> otherOutputs;
    private final Clock clock;

    /**
     * @param apps    finds an app without blocking (the app directory)
     * @param bridges the room bridges, or null while rooms are not bridged (read on every call)
     * @param otherOutputs the app of a live stream whose name is not a room stream's (an MCU mix's
     *     {@code OutputParams.StreamId}), if one publishes it now
     */
    public PlaybackGate(AppLookup apps, Supplier<LiveBridges> bridges,
            Function<String, Optional<SdkAppId>> otherOutputs, Clock clock) {
        this.apps = apps;
        this.bridges = bridges;
        this.otherOutputs = otherOutputs;
        this.clock = clock;
    }

    /**
     * Checks a request to play {@code streamName} carrying {@code txSecret}/{@code txTime} (null when absent), and
     * when it may go ahead and {@code startOnDemand}, bridges the room stream to live output if it is not live yet.
     *
     * @param startOnDemand false for requests that never start anything (an HLS segment)
     */
    public Decision check(String streamName, String txSecret, String txTime, boolean startOnDemand) {
        Optional<LiveStreamName> name = LiveStreamName.tryParse(streamName);
        if (name.isEmpty()) {
            // An MCU mix's output: live while its task runs, under its app's key; nothing starts on demand.
            Optional<SdkAppId> mixApp = streamName == null ? Optional.empty() : otherOutputs.apply(streamName);
            return mixApp.map(app -> verify(apps.find(app), streamName, txSecret, txTime))
                    .orElseGet(() -> new Decision(Outcome.NOT_FOUND, "stream " + streamName + " is not live"));
        }
        Decision decision = verify(apps.find(name.get().app()), streamName, txSecret, txTime);
        return decision.allowed() && startOnDemand ? startOnDemand(decision, streamName) : decision;
    }

    private Decision verify(Optional<App> app, String streamName, String txSecret, String txTime) {
        if (app.isEmpty() || !app.get().enabled()) {
            return new Decision(Outcome.FORBIDDEN, "stream " + streamName + " is not served: its app is not "
                    + "registered here or is disabled");
        }
        if (app.get().publicPlayback()) {
            return Decision.PUBLIC;
        }
        return switch (PlaybackSignature.verify(app.get().playKey(), streamName, txSecret, txTime, clock.instant())) {
            case VALID -> new Decision(Outcome.ALLOWED, "", new PlaybackSignature.Signed(txSecret, txTime).query());
            case MISSING -> new Decision(Outcome.FORBIDDEN, "live output of " + streamName + " needs a signed URL "
                    + "(txSecret and txTime): room members get them from the server; operators: lianmai live sign");
            case EXPIRED -> new Decision(Outcome.FORBIDDEN, "the signed URL of " + streamName + " has expired "
                    + "(txTime)");
            case MALFORMED, WRONG -> new Decision(Outcome.FORBIDDEN, "the signature (txSecret, txTime) is not "
                    + "valid for " + streamName);
        };
    }

    private Decision startOnDemand(Decision allowed, String streamName) {
        LiveBridges current = bridges.get();
        if (current != null && current.demand(streamName) == LiveBridges.Demand.APP_AT_CAPACITY) {
            return new Decision(Outcome.BUSY, ServerErrors.refusalMessage("this app's live transcodes are all in use "
                    + "(live.maxTranscodesPerApp); try again later"));
        }
        return allowed;
    }
}
