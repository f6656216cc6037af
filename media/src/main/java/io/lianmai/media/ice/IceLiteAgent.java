package io.lianmai.media.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's side of ICE for one session: an ICE-lite agent (RFC 8445 §2.5, §8.2) that only answers connectivity
 * checks, always in the controlled role, and watches consent freshness (RFC 7675).
 *
 * <p>For each Binding request the transport routes here, {@link #onBindingRequest} checks it in the order RFC 8489
 * §6.3 and RFC 8445 §7.3 give, writes the answer into the caller's array and says what happened:
 * <ol>
 *   <li>not a Binding request: dropped;</li>
 *   <li>FINGERPRINT missing or wrong: dropped, as not STUN at all (RFC 8489 §7.3; ICE requires it, RFC 8445
 *       §7.2.2);</li>
 *   <li>USERNAME or MESSAGE-INTEGRITY missing: 400 (RFC 8489 §9.1.3);</li>
 *   <li>USERNAME not {@code localUfrag:remoteUfrag} (remote part checked once known): 401;</li>
 *   <li>MESSAGE-INTEGRITY not keyed with the local password: 401. Answering rather than dropping lets a client
 *       with stale credentials fail the pair at once (RFC 8445 §7.2.5.2.4) instead of after its retransmissions;
 *       a 401 is smaller than the request, so it amplifies nothing, and carries no MESSAGE-INTEGRITY;</li>
 *   <li>ICE-CONTROLLED present: the peer thinks it is controlled too. A lite agent can never take the controlling
 *       role (RFC 8445 §6.1.1), so it answers 487 whatever the tie-breakers — as if its own were the largest — and
 *       the full agent switches to controlling (§7.3.1.1, §7.2.5.1);</li>
 *   <li>both role attributes, or neither, or no PRIORITY: 400 (RFC 8445 §7.2.2 makes them mandatory);</li>
 *   <li>otherwise the check is valid: success response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT,
 *       the source address is remembered as a candidate with the time (consent), and with USE-CANDIDATE it becomes
 *       the selected address (the latest nomination wins; RFC 8445 §7.3.2, §8.2).</li>
 * </ol>
 * Unknown comprehension-required attributes are ignored rather than answered with 420: none changes what a Binding
 * request means to an ICE-lite agent, and Pion and mediasoup do the same.
 *
 * <p>Time comes from the injected {@link Clock}; give it a monotonic one in production (a wall clock stepped forward
 * by NTP would expire consent). The agent never schedules anything: the owner calls {@link #poll()} periodically
 * (say once a second) and ends the session on {@link IceConnectionState#FAILED}.
 *
 * <p>A remote candidate is a source address together with its transport: a client's UDP socket and its ICE-TCP
 * connection are different candidates even if they share an address and port.
 *
 * <p>Threads: every method may be called from any thread. A session may receive checks over UDP and ICE-TCP on
 * different event loops, so the agent locks itself; each call holds the lock for a few microseconds and STUN comes
 * every few seconds per pair. {@link #selected()} is lock-free for the media path. Allocation: none per request once
 * the remote candidate is known; a few small objects when a new one is first validated.
 */
public final class IceLiteAgent {

    /** What {@link #onBindingRequest} did with a request, for counting and tests. */
    public enum Outcome {
        /** Valid check, success response written; the source is a valid candidate address. */
        ACCEPTED,
        /** Valid check with USE-CANDIDATE, success response written; the source is now the selected address. */
        NOMINATED,
        /** 400 written: USERNAME, MESSAGE-INTEGRITY, PRIORITY or the role attribute missing, or both roles. */
        BAD_REQUEST,
        /** 401 written: USERNAME is not {@code localUfrag:remoteUfrag}. */
        UNAUTHORIZED_USERNAME,
        /** 401 written: MESSAGE-INTEGRITY does not match the local password. */
        UNAUTHORIZED_INTEGRITY,
        /** 487 written: the peer sent ICE-CONTROLLED; it must take the controlling role. */
        ROLE_CONFLICT,
        /** Nothing written: not a Binding request (a response, an indication or another method). */
        DROPPED_NOT_BINDING_REQUEST,
        /** Nothing written: FINGERPRINT missing or wrong. */
        DROPPED_BAD_FINGERPRINT,
        /** Nothing written: the agent has FAILED; the session is over. */
        DROPPED_FAILED
    }

    /**
     * The result of one request: what happened and how many bytes of response are in the caller's array. Instances
     * are shared constants, so returning one allocates nothing.
     */
    public static final class Response {
        private final Outcome outcome;
        private final int length;

        private Response(Outcome outcome, int length) {
            this.outcome = outcome;
            this.length = length;
        }

        /** What happened. */
        public Outcome outcome() {
            return outcome;
        }

        /** Bytes of response written at the caller's offset; 0 means send nothing. */
        public int length() {
            return length;
        }

        /**
         * Whether the check was valid: the source address passed authentication, so the transport may route its
         * other packets (DTLS, SRTP) to this session.
         */
        public boolean isSuccess() {
            return outcome == Outcome.ACCEPTED || outcome == Outcome.NOMINATED;
        }

        /** Whether this check nominated its source: send media to it, over the channel it came on, from now on. */
        public boolean isNominated() {
            return outcome == Outcome.NOMINATED;
        }

        @Override
        public String toString() {
            return outcome + "(" + length + " bytes)";
        }
    }

    /**
     * A remote candidate that sent a valid check: where it came from and over which transport.
     *
     * @param address   the source transport address
     * @param transport UDP, or TCP for an ICE-TCP connection
     */
    public record RemoteCandidate(InetSocketAddress address, IceCandidate.Transport transport) {

        public RemoteCandidate {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(transport, "transport");
        }
    }

    /** Why an agent FAILED. */
    public enum Failure {
        /** No nominating check within {@link IceLiteConfig#connectTimeout()}. */
        CONNECT_TIMEOUT,
        /** No valid check on the selected pair within {@link IceLiteConfig#consentTimeout()} (RFC 7675 §5.1). */
        CONSENT_EXPIRED
    }

    /**
     * A snapshot of an agent's counters, for metrics.
     *
     * @param validRequests      valid checks answered with success (nominating ones included)
     * @param nominations        valid checks carrying USE-CANDIDATE
     * @param badRequests        400s: mandatory attributes missing
     * @param unknownUsernames   401s: USERNAME not ours
     * @param badIntegrity       401s: wrong MESSAGE-INTEGRITY
     * @param badFingerprints    drops: FINGERPRINT missing or wrong
     * @param roleConflicts      487s
     * @param otherDrops         drops: not a Binding request, or the agent had failed
     */
    public record Counters(long validRequests, long nominations, long badRequests, long unknownUsernames,
            long badIntegrity, long badFingerprints, long roleConflicts, long otherDrops) {
    }

    private static final int NONE = -1;

    private static final Response ACCEPTED_IPV4 =
            new Response(Outcome.ACCEPTED, StunMessageWriter.IPV4_SUCCESS_RESPONSE_LENGTH);
    private static final Response ACCEPTED_IPV6 =
            new Response(Outcome.ACCEPTED, StunMessageWriter.IPV6_SUCCESS_RESPONSE_LENGTH);
    private static final Response NOMINATED_IPV4 =
            new Response(Outcome.NOMINATED, StunMessageWriter.IPV4_SUCCESS_RESPONSE_LENGTH);
    private static final Response NOMINATED_IPV6 =
            new Response(Outcome.NOMINATED, StunMessageWriter.IPV6_SUCCESS_RESPONSE_LENGTH);
    private static final Response BAD_REQUEST = new Response(Outcome.BAD_REQUEST,
            StunMessageWriter.errorResponseLength(ErrorCode.BAD_REQUEST, false));
    private static final Response UNAUTHORIZED_USERNAME = new Response(Outcome.UNAUTHORIZED_USERNAME,
            StunMessageWriter.errorResponseLength(ErrorCode.UNAUTHORIZED, false));
    private static final Response UNAUTHORIZED_INTEGRITY = new Response(Outcome.UNAUTHORIZED_INTEGRITY,
            StunMessageWriter.errorResponseLength(ErrorCode.UNAUTHORIZED, false));
    private static final Response ROLE_CONFLICT = new Response(Outcome.ROLE_CONFLICT,
            StunMessageWriter.errorResponseLength(ErrorCode.ROLE_CONFLICT, true));
    private static final Response DROPPED_NOT_BINDING_REQUEST =
            new Response(Outcome.DROPPED_NOT_BINDING_REQUEST, 0);
    private static final Response DROPPED_BAD_FINGERPRINT = new Response(Outcome.DROPPED_BAD_FINGERPRINT, 0);
    private static final Response DROPPED_FAILED = new Response(Outcome.DROPPED_FAILED, 0);

    private final IceCredentials local;
    private final Clock clock;
    private final long connectTimeoutMillis;
    private final long disconnectedAfterMillis;
    private final long consentTimeoutMillis;
    private final long createdMillis;
    private final MessageIntegrity integrity;
    private final byte[] localPrefix;

    private IceCredentials remote;
    private byte[] expectedUsername;

    // Remote candidates with a valid check, in parallel arrays; slot i is empty while candidates[i] is null.
    private final RemoteCandidate[] candidates;
    private final byte[][] addressBytes;
    private final long[] lastValidMillis;
    private int selectedSlot = NONE;
    private volatile RemoteCandidate selected;
    private Failure failure;

    private long validRequests;
    private long nominations;
    private long badRequests;
    private long unknownUsernames;
    private long badIntegrity;
    private long badFingerprints;
    private long roleConflicts;
    private long otherDrops;

    private IceLiteAgent(IceCredentials local, IceLiteConfig config, Clock clock) {
        this.local = local;
        this.clock = clock;
        this.connectTimeoutMillis = config.connectTimeout().toMillis();
        this.disconnectedAfterMillis = config.disconnectedAfter().toMillis();
        this.consentTimeoutMillis = config.consentTimeout().toMillis();
        this.createdMillis = clock.millis();
        this.integrity = MessageIntegrity.forPassword(local.pwd());
        this.localPrefix = (local.ufrag() + ":").getBytes(StandardCharsets.UTF_8);
        this.candidates = new RemoteCandidate[config.maxCandidateAddresses()];
        this.addressBytes = new byte[config.maxCandidateAddresses()][];
        this.lastValidMillis = new long[config.maxCandidateAddresses()];
    }

    /**
     * An agent for a new session, in state CHECKING from now. The remote credentials are added with
     * {@link #setRemoteCredentials} once the client's SDP is known; until then the remote part of USERNAME is not
     * checked (it cannot be: a check may overtake the SDP).
     *
     * @param local  the session's credentials, put into the server's SDP
     * @param config timers and limits
     * @param clock  time source (monotonic in production)
     */
    public static IceLiteAgent create(IceCredentials local, IceLiteConfig config, Clock clock) {
        return new IceLiteAgent(Objects.requireNonNull(local, "local"), Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(clock, "clock"));
    }

    /** The local credentials, for the server's SDP ({@code a=ice-ufrag}, {@code a=ice-pwd}). */
    public IceCredentials localCredentials() {
        return local;
    }

    /**
     * Sets the client's credentials from its SDP. From now on USERNAME must be exactly
     * {@code localUfrag:remoteUfrag}. The remote password is kept but unused: a lite agent sends no checks.
     */
    public synchronized void setRemoteCredentials(IceCredentials remoteCredentials) {
        this.remote = Objects.requireNonNull(remoteCredentials, "remoteCredentials");
        this.expectedUsername = (local.ufrag() + ":" + remote.ufrag()).getBytes(StandardCharsets.UTF_8);
    }

    /** The client's credentials, if known. */
    public synchronized Optional<IceCredentials> remoteCredentials() {
        return Optional.ofNullable(remote);
    }

    /**
     * Answers one Binding request (see the class comment for the checks and their order).
     *
     * <p>Ownership: reads {@code request} (and so the bytes it views) only during the call; writes the response into
     * {@code out} at {@code offset}, which must not overlap the request's bytes. Never throws for anything a peer
     * can send.
     *
     * @param request   a parsed message the transport routed here (typically by {@link StunMessage#localUfrag()})
     * @param from      the source transport address: the UDP sender or the TCP connection's remote address
     * @param transport UDP, or TCP if the request came over an ICE-TCP connection
     * @param out       where the response goes; needs {@link StunMessageWriter#MAX_RESPONSE_LENGTH} bytes from
     *                  {@code offset}
     * @param offset    where in {@code out} the response starts
     * @return what happened; {@link Response#length()} bytes at {@code offset} are to be sent back to {@code from}
     *         over the channel the request came on
     * @throws IllegalArgumentException if {@code from} is unresolved
     * @throws IndexOutOfBoundsException if {@code out} is too small
     */
    public synchronized Response onBindingRequest(StunMessage request, InetSocketAddress from,
            IceCandidate.Transport transport, byte[] out, int offset) {
        Objects.checkFromIndexSize(offset, StunMessageWriter.MAX_RESPONSE_LENGTH, out.length);
        Objects.requireNonNull(transport, "transport");
        if (from.isUnresolved()) {
            throw new IllegalArgumentException("a check's source must be a resolved address, got " + from);
        }
        if (failure != null) {
            otherDrops++;
            return DROPPED_FAILED;
        }
        if (!request.isBindingRequest()) {
            otherDrops++;
            return DROPPED_NOT_BINDING_REQUEST;
        }
        if (!request.verifyFingerprint()) {
            badFingerprints++;
            return DROPPED_BAD_FINGERPRINT;
        }
        if (!request.hasUsername() || !request.hasMessageIntegrity()) {
            return badRequest(request, out, offset);
        }
        if (!usernameMatches(request)) {
            unknownUsernames++;
            StunMessageWriter.writeBindingErrorResponse(out, offset, request, ErrorCode.UNAUTHORIZED, null);
            return UNAUTHORIZED_USERNAME;
        }
        if (!integrity.verify(request)) {
            badIntegrity++;
            StunMessageWriter.writeBindingErrorResponse(out, offset, request, ErrorCode.UNAUTHORIZED, null);
            return UNAUTHORIZED_INTEGRITY;
        }
        if (request.hasIceControlled() && !request.hasIceControlling()) {
            roleConflicts++;
            StunMessageWriter.writeBindingErrorResponse(out, offset, request, ErrorCode.ROLE_CONFLICT, integrity);
            return ROLE_CONFLICT;
        }
        if (!request.hasIceControlling() || request.hasIceControlled() || !request.hasPriority()) {
            return badRequest(request, out, offset);
        }
        return accept(request, from, transport, out, offset);
    }

    private Response badRequest(StunMessage request, byte[] out, int offset) {
        badRequests++;
        StunMessageWriter.writeBindingErrorResponse(out, offset, request, ErrorCode.BAD_REQUEST, null);
        return BAD_REQUEST;
    }

    private boolean usernameMatches(StunMessage request) {
        return expectedUsername != null
                ? request.usernameEquals(expectedUsername)
                : request.usernameExtends(localPrefix);
    }

    private Response accept(StunMessage request, InetSocketAddress from, IceCandidate.Transport transport,
            byte[] out, int offset) {
        long now = clock.millis();
        int slot = slotFor(from, transport);
        lastValidMillis[slot] = now;
        validRequests++;
        boolean nominated = request.hasUseCandidate();
        if (nominated) {
            nominations++;
            selectedSlot = slot;
            selected = candidates[slot];
        }
        byte[] address = addressBytes[slot];
        StunMessageWriter.writeBindingSuccessResponse(out, offset, request, address, from.getPort(), integrity);
        if (address.length == 4) {
            return nominated ? NOMINATED_IPV4 : ACCEPTED_IPV4;
        }
        return nominated ? NOMINATED_IPV6 : ACCEPTED_IPV6;
    }

    /** The slot remembering a candidate, claiming one (evicting the stalest unselected) if it is new. */
    private int slotFor(InetSocketAddress from, IceCandidate.Transport transport) {
        int slot = indexOf(from, transport);
        if (slot != NONE) {
            return slot;
        }
        int stalest = NONE;
        for (int i = 0; i < candidates.length && slot == NONE; i++) {
            if (candidates[i] == null) {
                slot = i;
            } else if (i != selectedSlot && (stalest == NONE || lastValidMillis[i] < lastValidMillis[stalest])) {
                stalest = i;
            }
        }
        if (slot == NONE) {
            // The table is full; with at least two slots and one selected, some unselected one is the stalest.
            slot = stalest;
        }
        InetAddress ip = from.getAddress();
        candidates[slot] = new RemoteCandidate(from, transport);
        addressBytes[slot] = ip.getAddress();
        return slot;
    }

    private long freshestValidMillis() {
        long freshest = NONE;
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i] != null && (freshest == NONE || lastValidMillis[i] > freshest)) {
                freshest = lastValidMillis[i];
            }
        }
        return freshest;
    }

    private int indexOf(InetSocketAddress address, IceCandidate.Transport transport) {
        for (int i = 0; i < candidates.length; i++) {
            RemoteCandidate candidate = candidates[i];
            if (candidate != null && candidate.transport() == transport && candidate.address().equals(address)) {
                return i;
            }
        }
        return NONE;
    }

    /**
     * Advances the state machine to the clock's current time and reports the state. FAILED is final: once returned,
     * every later call returns it and requests are dropped. Call it periodically, e.g. once a second.
     */
    public synchronized IceConnectionState poll() {
        if (failure != null) {
            return IceConnectionState.FAILED;
        }
        long now = clock.millis();
        if (selectedSlot == NONE) {
            if (now - createdMillis >= connectTimeoutMillis) {
                failure = Failure.CONNECT_TIMEOUT;
                return IceConnectionState.FAILED;
            }
            // Media may already flow on a checked but not yet nominated pair (the transport uses the first valid
            // one); if every such pair has gone silent for the consent timeout, the client is gone.
            long freshest = freshestValidMillis();
            if (freshest != NONE && now - freshest >= consentTimeoutMillis) {
                failure = Failure.CONSENT_EXPIRED;
                return IceConnectionState.FAILED;
            }
            return IceConnectionState.CHECKING;
        }
        long silence = now - lastValidMillis[selectedSlot];
        if (silence >= consentTimeoutMillis) {
            failure = Failure.CONSENT_EXPIRED;
            return IceConnectionState.FAILED;
        }
        return silence >= disconnectedAfterMillis ? IceConnectionState.DISCONNECTED : IceConnectionState.CONNECTED;
    }

    /** Why the agent failed, once {@link #poll()} has returned FAILED. */
    public synchronized Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * The selected remote candidate: the source of the latest valid check with USE-CANDIDATE, or null before the
     * first. Media goes there. Lock-free (a volatile read) for the media path.
     */
    public RemoteCandidate selected() {
        return selected;
    }

    /** When the latest valid check from a remote candidate arrived, in clock millis, or -1 if none is remembered. */
    public synchronized long lastValidRequestMillis(InetSocketAddress address, IceCandidate.Transport transport) {
        int slot = indexOf(address, transport);
        return slot == NONE ? NONE : lastValidMillis[slot];
    }

    /** A snapshot of the counters. */
    public synchronized Counters counters() {
        return new Counters(validRequests, nominations, badRequests, unknownUsernames, badIntegrity,
                badFingerprints, roleConflicts, otherDrops);
    }

    @Override
    public String toString() {
        return "IceLiteAgent[ufrag=" + local.ufrag() + ", selected=" + selected + "]";
    }
}
