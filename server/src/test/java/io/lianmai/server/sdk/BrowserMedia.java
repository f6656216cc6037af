package io.lianmai.server.sdk;

import io.lianmai.testkit.HeadlessChromium;
import java.nio.file.Path;
import java.util.List;

/**
 * What a browser page receives, measured through the browser's own APIs rather than the SDK's private fields: a
 * script installed before the page's scripts keeps every {@code RTCPeerConnection} and {@code WebSocket} the page
 * creates, so a test can read their {@code getStats()} (decoded frames, received audio samples) or drop the
 * signalling socket as a network would.
 */
public final class BrowserMedia {
    /** Installed with {@link HeadlessChromium#onEveryPage} before the first {@code open}. */
    public static final String PROBE = "(() => {"
            + "  window.__pcs = []; window.__sockets = [];"
            + "  const Pc = window.RTCPeerConnection, Ws = window.WebSocket;"
            + "  window.RTCPeerConnection = class extends Pc {"
            + "    constructor(...args) { super(...args); window.__pcs.push(this); } };"
            + "  window.WebSocket = class extends Ws {"
            + "    constructor(...args) { super(...args); window.__sockets.push(this); } };"
            + "})();";

    /** [decoded video frames, received audio samples] summed over the page's open peer connections. */
    private static final String COUNTS = "const done = arguments[arguments.length - 1];"
            + "(async () => { let frames = 0, samples = 0, decoding = 0, energy = 0;"
            + "  for (const pc of (window.__pcs || [])) { if (pc.connectionState === 'closed') continue;"
            + "    let f = 0; try { (await pc.getStats()).forEach(s => { if (s.type !== 'inbound-rtp') return;"
            + "      if (s.kind === 'video') f += s.framesDecoded || 0;"
            + "      if (s.kind === 'audio') { samples += s.totalSamplesReceived || 0;"
            + "        energy += s.totalAudioEnergy || 0; } }); } catch (e) { continue; }"
            + "    frames += f; if (f > 5) decoding++; }"
            + "  return [frames, samples, decoding, energy]; })().then(done, () => done([0, 0, 0, 0]));";

    private BrowserMedia() {
    }

    public static HeadlessChromium start() {
        return probed(HeadlessChromium.start());
    }

    /**
     * As {@link #start()}, with the fake microphone playing {@code wav} instead of its beep (see
     * {@link HeadlessChromium#startWithMicrophone}), so that a listener downstream knows what to hear.
     */
    public static HeadlessChromium startWithMicrophone(Path wav) {
        return probed(HeadlessChromium.startWithMicrophone(wav));
    }

    private static HeadlessChromium probed(HeadlessChromium page) {
        page.onEveryPage(PROBE);
        return page;
    }

    private static List<?> counts(HeadlessChromium page) {
        return (List<?>) page.asyncScript(COUNTS);
    }

    public static long framesDecoded(HeadlessChromium page) {
        return ((Number) counts(page).get(0)).longValue();
    }

    public static long audioSamples(HeadlessChromium page) {
        return ((Number) counts(page).get(1)).longValue();
    }

    /**
     * The received audio's energy so far (getStats {@code totalAudioEnergy}, summed): it grows while sound arrives
     * (the fake microphone's beep) and stands still while only silence does.
     */
    public static double audioEnergy(HeadlessChromium page) {
        return ((Number) counts(page).get(3)).doubleValue();
    }

    /**
     * What a test that failed needs to know about a page: the SDK's events and players, and every peer connection's
     * state with what it received, for the failure message.
     */
    public static String describe(HeadlessChromium page) {
        try {
            return String.valueOf(page.asyncScript(DESCRIBE));
        } catch (RuntimeException e) {
            return "(page not readable: " + e + ")";
        }
    }

    private static final String DESCRIBE = "const done = arguments[arguments.length - 1];"
            + "(async () => { const out = {events: (window.__events || []).map(e => e.name).join(','),"
            + "  players: window.__trtc ? JSON.stringify(window.__trtc.getPlayerList().map(p => [p.streamID,"
            + "    p.hasVideo, p.muteVideo, p.hasAudio, p.muteAudio])) : 'no sdk', pcs: []};"
            + "  for (const pc of (window.__pcs || [])) { const s = {state: pc.connectionState, ice: pc.iceConnectionState,"
            + "    signaling: pc.signalingState, tx: pc.getTransceivers().map(t => t.direction + ':'"
            + "      + (t.receiver.track ? t.receiver.track.kind : '-')).join(' '), in: []};"
            + "    try { (await pc.getStats()).forEach(r => { if (r.type === 'inbound-rtp') s.in.push(r.kind + ' pkts='"
            + "      + r.packetsReceived + ' frames=' + (r.framesDecoded || 0) + ' ssrc=' + r.ssrc); }); } catch (e) { }"
            + "    out.pcs.push(s); }"
            + "  return JSON.stringify(out); })().then(done, e => done('describe failed: ' + e));";

    /** How many received streams have decoded at least a few frames. */
    public static long streamsDecoding(HeadlessChromium page) {
        return ((Number) counts(page).get(2)).longValue();
    }

    /** Whether the page has a peer connection that sends (a publication), open or still connecting. */
    public static boolean sends(HeadlessChromium page) {
        return Boolean.TRUE.equals(page.script("return (window.__pcs || []).some(pc => pc.connectionState !== 'closed'"
                + " && pc.getTransceivers().some(t => t.direction === 'sendonly'))"));
    }

    /** Closes every open signalling socket of the page, as a lost network would end it. */
    public static void dropSockets(HeadlessChromium page) {
        page.script("for (const s of window.__sockets) if (s.readyState === 1) s.close()");
    }

    public static boolean socketOpen(HeadlessChromium page) {
        return Boolean.TRUE.equals(page.script("return window.__sockets.some(s => s.readyState === 1)"));
    }
}
