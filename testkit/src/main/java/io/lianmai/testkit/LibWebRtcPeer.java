package io.lianmai.testkit;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real, independent WebRTC endpoint in the test JVM: Google's libwebrtc through {@code webrtc-java}. Publishes
 * synthetic video and audio, or plays what it receives and counts decoded frames and audio samples.
 *
 * <p>Offers are made non-trickle (complete ICE gathering first), as WHIP and WHEP clients commonly do.
 */
public final class LibWebRtcPeer implements AutoCloseable {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
    private static PeerConnectionFactory factory;

    private final RTCPeerConnection connection;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong audioFramesReceived = new AtomicLong();
    private final PcmRecorder audioReceived = new PcmRecorder(5);
    private final CountDownLatch gathered = new CountDownLatch(1);
    private final AtomicReference<RTCPeerConnectionState> state = new AtomicReference<>(RTCPeerConnectionState.NEW);
    private final VideoTrackSink frameObserver;

    private LibWebRtcPeer(boolean tcpOnly, VideoTrackSink frameObserver) {
        this.frameObserver = frameObserver;
        RTCConfiguration configuration = new RTCConfiguration();
        if (tcpOnly) {
            configuration.portAllocatorConfig = new PortAllocatorConfig().setDisableUdp(true);
        }
        connection = factory().createPeerConnection(configuration, new Observer());
    }

    /**
     * A peer sending a synthetic camera (640×360 at 30 fps) and the headless audio device's microphone (silence,
     * still 50 Opus packets a second), send-only. Audio comes from the device module rather than a custom source:
     * libwebrtc's audio send stream aborts on a race when both feed it.
     */
    public static LibWebRtcPeer publisher() {
        return publisher(false);
    }

    /** As {@link #publisher()}, with ICE restricted to TCP when {@code tcpOnly}. */
    public static LibWebRtcPeer publisher(boolean tcpOnly) {
        LibWebRtcPeer peer = new LibWebRtcPeer(tcpOnly, null);
        SyntheticVideo video = new SyntheticVideo(640, 360, 30);
        peer.resources.add(video);
        VideoTrack videoTrack = factory().createVideoTrack("video0", video.source());
        AudioTrack audioTrack = factory().createAudioTrack("audio0", factory().createAudioSource(new AudioOptions()));
        peer.addSendOnly(audioTrack);
        peer.addSendOnly(videoTrack);
        return peer;
    }

    /** A peer receiving one audio and one video track, receive-only, counting what it decodes. */
    public static LibWebRtcPeer player() {
        return player(false);
    }

    /** As {@link #player()}, with ICE restricted to TCP when {@code tcpOnly}. */
    public static LibWebRtcPeer player(boolean tcpOnly) {
        return player(tcpOnly, null);
    }

    /**
     * As {@link #player(boolean)}, also handing each decoded video frame to {@code frameObserver} (e.g. to read a
     * barcode from its pixels) on libwebrtc's decoding thread, before it is released: the observer must not keep it.
     */
    public static LibWebRtcPeer player(boolean tcpOnly, VideoTrackSink frameObserver) {
        LibWebRtcPeer peer = new LibWebRtcPeer(tcpOnly, frameObserver);
        for (MediaKind kind : MediaKind.values()) {
            RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
            init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
            peer.connection.addTransceiver(kind.dummyTrack(), init);
        }
        return peer;
    }

    private void addSendOnly(MediaStreamTrack track) {
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.SEND_ONLY;
        init.streamIds = List.of("lianmai-test");
        connection.addTransceiver(track, init);
    }

    /** Creates the offer, sets it locally and waits for ICE gathering, returning the SDP with candidates. */
    public String createOffer() {
        RTCSessionDescription offer = await("createOffer", done -> connection.createOffer(new RTCOfferOptions(),
                observer(done)));
        await("setLocalDescription", done -> connection.setLocalDescription(offer, setObserver(done)));
        try {
            if (!gathered.await(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("libwebrtc did not finish ICE gathering in " + STEP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return connection.getLocalDescription().sdp;
    }

    /** Applies the remote answer. */
    public void acceptAnswer(String sdp) {
        RTCSessionDescription answer = new RTCSessionDescription(RTCSdpType.ANSWER, sdp);
        await("setRemoteDescription", done -> connection.setRemoteDescription(answer, setObserver(done)));
    }

    /** Applies a remote offer and returns the local answer (for server-initiated negotiation). */
    public String answer(String offerSdp) {
        RTCSessionDescription offer = new RTCSessionDescription(RTCSdpType.OFFER, offerSdp);
        await("setRemoteDescription", done -> connection.setRemoteDescription(offer, setObserver(done)));
        RTCSessionDescription answer = await("createAnswer",
                done -> connection.createAnswer(new RTCAnswerOptions(), observer(done)));
        await("setLocalDescription", done -> connection.setLocalDescription(answer, setObserver(done)));
        return connection.getLocalDescription().sdp;
    }

    /** Waits until the peer connection is connected (ICE and DTLS done), or fails with the state it reached. */
    public void awaitConnected(Duration timeout) {
        Deadline deadline = new Deadline(timeout);
        while (state.get() != RTCPeerConnectionState.CONNECTED) {
            if (state.get() == RTCPeerConnectionState.FAILED || deadline.passed()) {
                throw new AssertionError("peer connection is " + state.get() + " after " + timeout);
            }
            deadline.pause(20);
        }
    }

    /** The peer connection's state. */
    public RTCPeerConnectionState state() {
        return state.get();
    }

    /** Video frames decoded and delivered to the sink so far. */
    public long videoFramesReceived() {
        return framesReceived.get();
    }

    /** Audio callbacks (10 ms chunks of decoded audio) delivered to the sink so far. */
    public long audioChunksReceived() {
        return audioFramesReceived.get();
    }

    /** The last seconds of decoded audio, to hear what the peer plays. */
    public PcmRecorder audioReceived() {
        return audioReceived;
    }

    /** Waits until at least {@code frames} video frames and {@code chunks} audio chunks have arrived. */
    public void awaitMedia(long frames, long chunks, Duration timeout) {
        Deadline deadline = new Deadline(timeout);
        while (videoFramesReceived() < frames || audioChunksReceived() < chunks) {
            if (deadline.passed()) {
                throw new AssertionError("after " + timeout + ": " + videoFramesReceived() + " video frames (wanted "
                        + frames + "), " + audioChunksReceived() + " audio chunks (wanted " + chunks + "), state "
                        + state.get());
            }
            deadline.pause(20);
        }
    }

    /** The standard {@code getStats()} report, as a list of stats with their attributes. */
    public List<RTCStats> stats() {
        CompletableFuture<RTCStatsReport> report = new CompletableFuture<>();
        connection.getStats(report::complete);
        try {
            return new ArrayList<>(report.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getStats().values());
        } catch (Exception e) {
            throw new AssertionError("getStats failed", e);
        }
    }

    /** {@code framesDecoded} summed over inbound video streams, from {@code getStats()}. */
    public long framesDecoded() {
        long total = 0;
        for (RTCStats stats : stats()) {
            Map<String, Object> attributes = stats.getAttributes();
            if ("video".equals(attributes.get("kind")) && attributes.get("framesDecoded") instanceof Number n) {
                total += n.longValue();
            }
        }
        return total;
    }

    @Override
    public void close() {
        connection.close();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // Closing test resources: nothing more to do.
            }
        }
    }

    /** The process-wide factory, with a headless audio device; skips (or fails under CI) if natives cannot load. */
    static synchronized PeerConnectionFactory factory() {
        if (factory == null) {
            try {
                factory = new PeerConnectionFactory(new HeadlessAudioDeviceModule());
            } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
                ExternalTools.unavailable("libwebrtc natives (webrtc-java linux-x86_64) cannot load: " + e);
            }
        }
        return factory;
    }

    private static <T> T await(String step, java.util.function.Consumer<CompletableFuture<T>> action) {
        CompletableFuture<T> done = new CompletableFuture<>();
        action.accept(done);
        try {
            return done.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(step + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(step + " did not complete: " + e, e);
        }
    }

    private static CreateSessionDescriptionObserver observer(CompletableFuture<RTCSessionDescription> done) {
        return new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                done.complete(description);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(new IllegalStateException(error));
            }
        };
    }

    private static SetSessionDescriptionObserver setObserver(CompletableFuture<Object> done) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                done.complete(Boolean.TRUE);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(new IllegalStateException(error));
            }
        };
    }

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            // Non-trickle: candidates are read from the local description once gathering completes.
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState gatheringState) {
            if (gatheringState == RTCIceGatheringState.COMPLETE) {
                gathered.countDown();
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState newState) {
            state.set(newState);
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            MediaStreamTrack track = transceiver.getReceiver().getTrack();
            if (track instanceof VideoTrack video) {
                video.addSink(frame -> {
                    framesReceived.incrementAndGet();
                    try {
                        if (frameObserver != null) {
                            frameObserver.onVideoFrame(frame);
                        }
                    } finally {
                        frame.release();
                    }
                });
            } else if (track instanceof AudioTrack audio) {
                audio.addSink((data, bitsPerSample, sampleRate, channels, frames) -> {
                    audioFramesReceived.incrementAndGet();
                    audioReceived.append(data, bitsPerSample, sampleRate, channels, frames);
                });
            }
        }
    }

    /** What a receive-only transceiver is for; libwebrtc wants a track, so each kind makes a placeholder. */
    private enum MediaKind {
        AUDIO, VIDEO;

        MediaStreamTrack dummyTrack() {
            if (this == AUDIO) {
                return factory().createAudioTrack("recv-audio", factory().createAudioSource(new AudioOptions()));
            }
            return factory().createVideoTrack("recv-video", new dev.onvoid.webrtc.media.video.CustomVideoSource());
        }
    }

    /** A wait with a deadline, in small sleeps. */
    private static final class Deadline {
        private final long end;

        Deadline(Duration timeout) {
            end = System.nanoTime() + timeout.toNanos();
        }

        boolean passed() {
            return System.nanoTime() - end > 0;
        }

        void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
