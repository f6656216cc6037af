package io.lianmai.media.ice;

import static io.lianmai.media.ice.StunTestMessages.bindingRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.lianmai.media.ice.IceLiteAgent.Outcome;
import io.lianmai.media.ice.IceLiteAgent.RemoteCandidate;
import io.lianmai.media.ice.IceLiteAgent.Response;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IceLiteAgentTest {

    static final IceCandidate.Transport UDP = IceCandidate.Transport.UDP;
    static final IceCandidate.Transport TCP = IceCandidate.Transport.TCP;

    static final IceCredentials SERVER = IceCredentials.of("srvUfrag", "serverPasswordOf24Chars+");
    static final IceCredentials CLIENT = IceCredentials.of("cliU", "clientPasswordOf24Chars/");
    static final InetSocketAddress HOST_A = new InetSocketAddress("192.0.2.10", 50000);
    static final InetSocketAddress HOST_B = new InetSocketAddress("198.51.100.7", 61000);
    static final InetSocketAddress HOST_V6 = new InetSocketAddress("2001:db8::7", 62000);

    private final MutableClock clock = new MutableClock(1_000_000);
    private final IceLiteAgent agent = IceLiteAgent.create(SERVER, IceLiteConfig.DEFAULT, clock);
    private final byte[] out = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH];
    private final SecureRandom random = new SecureRandom();

    /** A check as a browser sends it: controlling, keyed with the server's password. */
    byte[] check(boolean useCandidate) {
        return check(SERVER.ufrag() + ":" + CLIENT.ufrag(), SERVER.pwd(), IceRole.CONTROLLING, useCandidate);
    }

    byte[] check(String username, String password, IceRole role, boolean useCandidate) {
        ConnectivityCheck check = new ConnectivityCheck(ConnectivityCheck.randomTransactionId(random), username,
                IceCandidate.priority(110, 65535, 1), role, random.nextLong(), useCandidate);
        byte[] buf = new byte[256];
        int length = StunMessageWriter.writeBindingRequest(buf, 0, check, MessageIntegrity.forPassword(password));
        return Arrays.copyOf(buf, length);
    }

    Response send(byte[] message, InetSocketAddress from) throws StunException {
        return agent.onBindingRequest(StunMessage.parse(message, 0, message.length), from, UDP, out, 0);
    }

    StunMessage response(Response response) throws StunException {
        return StunMessage.parse(out, 0, response.length());
    }

    @Test
    void aBrowsersCheckIsAnsweredWithAVerifiableSuccess() throws Exception {
        agent.setRemoteCredentials(CLIENT);
        byte[] request = check(false);

        Response result = send(request, HOST_A);

        assertThat(result.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(result.isSuccess()).isTrue();
        assertThat(result.isNominated()).isFalse();
        StunMessage response = response(result);
        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.hasTransactionId(StunMessage.parse(request, 0, request.length).transactionId()))
                .isTrue();
        assertThat(response.xorMappedAddress()).contains(HOST_A);
        assertThat(response.verifyMessageIntegrity(SERVER.pwd().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(response.verifyFingerprint()).isTrue();
        assertThat(agent.selected()).isNull();
        assertThat(agent.lastValidRequestMillis(HOST_A, UDP)).isEqualTo(clock.millis());
        assertThat(agent.lastValidRequestMillis(HOST_B, UDP)).isEqualTo(-1);
        assertThat(agent.poll()).isEqualTo(IceConnectionState.CHECKING);
        assertThat(agent.counters().validRequests()).isEqualTo(1);
    }

    @Test
    void useCandidateSelectsTheSourceAndALaterNominationReplacesIt() throws Exception {
        agent.setRemoteCredentials(CLIENT);

        Response first = send(check(true), HOST_A);
        assertThat(first.outcome()).isEqualTo(Outcome.NOMINATED);
        assertThat(agent.selected()).isEqualTo(new RemoteCandidate(HOST_A, UDP));
        assertThat(agent.poll()).isEqualTo(IceConnectionState.CONNECTED);

        assertThat(send(check(false), HOST_B).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(agent.selected().address()).as("a check without USE-CANDIDATE selects nothing").isEqualTo(HOST_A);

        Response second = send(check(true), HOST_V6);
        assertThat(second.isNominated()).isTrue();
        assertThat(second.length()).isEqualTo(StunMessageWriter.IPV6_SUCCESS_RESPONSE_LENGTH);
        assertThat(response(second).xorMappedAddress()).contains(HOST_V6);
        assertThat(agent.selected()).isEqualTo(new RemoteCandidate(HOST_V6, UDP));
        assertThat(agent.counters().nominations()).isEqualTo(2);
        assertThat(agent.counters().validRequests()).isEqualTo(3);
    }

    @Test
    void beforeTheRemoteSdpAnyRemoteUfragIsAcceptedAfterItOnlyTheRightOne() throws Exception {
        assertThat(send(check("srvUfrag:someone", SERVER.pwd(), IceRole.CONTROLLING, false), HOST_A).outcome())
                .isEqualTo(Outcome.ACCEPTED);

        agent.setRemoteCredentials(CLIENT);

        assertThat(send(check("srvUfrag:someone", SERVER.pwd(), IceRole.CONTROLLING, false), HOST_A).outcome())
                .isEqualTo(Outcome.UNAUTHORIZED_USERNAME);
        assertThat(agent.remoteCredentials()).contains(CLIENT);
    }

    @Test
    void aWrongUfragIsAnswered401AndCounted() throws Exception {
        Response wrongLocal = send(check("other123:cliU", SERVER.pwd(), IceRole.CONTROLLING, true), HOST_A);
        Response emptyRemote = send(check("srvUfrag:", SERVER.pwd(), IceRole.CONTROLLING, true), HOST_A);

        assertThat(wrongLocal.outcome()).isEqualTo(Outcome.UNAUTHORIZED_USERNAME);
        assertThat(emptyRemote.outcome()).isEqualTo(Outcome.UNAUTHORIZED_USERNAME);
        StunMessage response = response(wrongLocal);
        assertThat(response.errorCode()).contains(ErrorCode.UNAUTHORIZED);
        assertThat(response.hasMessageIntegrity()).as("RFC 8489 §9.1.3: no MI in a 401").isFalse();
        assertThat(response.verifyFingerprint()).isTrue();
        assertThat(agent.counters().unknownUsernames()).isEqualTo(2);
        assertThat(agent.selected()).isNull();
        assertThat(agent.lastValidRequestMillis(HOST_A, UDP)).isEqualTo(-1);
    }

    @Test
    void aWrongPasswordIsAnswered401AndCounted() throws Exception {
        agent.setRemoteCredentials(CLIENT);

        Response result = send(check("srvUfrag:cliU", "notTheServerPassword1234", IceRole.CONTROLLING, true), HOST_A);

        assertThat(result.outcome()).isEqualTo(Outcome.UNAUTHORIZED_INTEGRITY);
        assertThat(result.isSuccess()).isFalse();
        assertThat(result.length()).isEqualTo(StunMessageWriter.errorResponseLength(ErrorCode.UNAUTHORIZED, false));
        assertThat(response(result).errorCode()).contains(ErrorCode.UNAUTHORIZED);
        assertThat(agent.counters().badIntegrity()).isEqualTo(1);
        assertThat(agent.selected()).isNull();
    }

    @Test
    void aMissingFingerprintIsDroppedSilently() throws Exception {
        byte[] noFingerprint = bindingRequest().username("srvUfrag:cliU").priority(1).iceControlling(1)
                .messageIntegrity(SERVER.pwd()).build();

        Response result = send(noFingerprint, HOST_A);

        assertThat(result.outcome()).isEqualTo(Outcome.DROPPED_BAD_FINGERPRINT);
        assertThat(result.length()).isZero();
        assertThat(agent.counters().badFingerprints()).isEqualTo(1);
    }

    @Test
    void aWrongFingerprintIsDroppedSilently() throws Exception {
        byte[] request = check(true);
        request[request.length - 1] ^= 0x01;

        assertThat(send(request, HOST_A).outcome()).isEqualTo(Outcome.DROPPED_BAD_FINGERPRINT);
        assertThat(agent.selected()).isNull();
    }

    @Test
    void aMissingMessageIntegrityIsABadRequest() throws Exception {
        byte[] noIntegrity = bindingRequest().username("srvUfrag:cliU").priority(1).iceControlling(1).useCandidate()
                .fingerprint().build();

        Response result = send(noIntegrity, HOST_A);

        assertThat(result.outcome()).isEqualTo(Outcome.BAD_REQUEST);
        assertThat(response(result).errorCode()).contains(ErrorCode.BAD_REQUEST);
        assertThat(response(result).hasMessageIntegrity()).isFalse();
        assertThat(agent.selected()).isNull();
        assertThat(agent.counters().badRequests()).isEqualTo(1);
    }

    @Test
    void missingUsernamePriorityOrRoleIsABadRequest() throws Exception {
        byte[] noUsername = bindingRequest().priority(1).iceControlling(1).messageIntegrity(SERVER.pwd())
                .fingerprint().build();
        byte[] noPriority = bindingRequest().username("srvUfrag:cliU").iceControlling(1)
                .messageIntegrity(SERVER.pwd()).fingerprint().build();
        byte[] noRole = bindingRequest().username("srvUfrag:cliU").priority(1)
                .messageIntegrity(SERVER.pwd()).fingerprint().build();
        byte[] bothRoles = bindingRequest().username("srvUfrag:cliU").priority(1).iceControlling(1)
                .iceControlled(2).messageIntegrity(SERVER.pwd()).fingerprint().build();

        for (byte[] request : new byte[][] {noUsername, noPriority, noRole, bothRoles}) {
            assertThat(send(request, HOST_A).outcome()).isEqualTo(Outcome.BAD_REQUEST);
        }
        assertThat(agent.counters().badRequests()).isEqualTo(4);
    }

    @Test
    void aPeerClaimingTheControlledRoleIsToldToSwitchWith487() throws Exception {
        agent.setRemoteCredentials(CLIENT);

        Response result = send(check("srvUfrag:cliU", SERVER.pwd(), IceRole.CONTROLLED, true), HOST_A);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLE_CONFLICT);
        StunMessage response = response(result);
        assertThat(response.errorCode()).contains(ErrorCode.ROLE_CONFLICT);
        assertThat(response.verifyMessageIntegrity(SERVER.pwd().getBytes(StandardCharsets.UTF_8)))
                .as("RFC 8489 §9.1.3: a 487 is authenticated").isTrue();
        assertThat(response.verifyFingerprint()).isTrue();
        assertThat(agent.selected()).isNull();
        assertThat(agent.counters().roleConflicts()).isEqualTo(1);
    }

    @Test
    void nonRequestsAreDropped() throws Exception {
        byte[] indication = bindingRequest().type(0x0011).fingerprint().build();
        byte[] response = bindingRequest().type(0x0101).fingerprint().build();
        byte[] allocate = bindingRequest().type(0x0003).username("srvUfrag:cliU").fingerprint().build();

        for (byte[] message : new byte[][] {indication, response, allocate}) {
            assertThat(send(message, HOST_A).outcome()).isEqualTo(Outcome.DROPPED_NOT_BINDING_REQUEST);
        }
        assertThat(agent.counters().otherDrops()).isEqualTo(3);
    }

    @Test
    void consentLapsesToDisconnectedThenFailed() throws Exception {
        send(check(true), HOST_A);
        assertThat(agent.poll()).isEqualTo(IceConnectionState.CONNECTED);

        clock.advance(Duration.ofMillis(4999));
        assertThat(agent.poll()).isEqualTo(IceConnectionState.CONNECTED);
        clock.advance(Duration.ofMillis(1));
        assertThat(agent.poll()).isEqualTo(IceConnectionState.DISCONNECTED);

        clock.advance(Duration.ofSeconds(24));
        assertThat(agent.poll()).isEqualTo(IceConnectionState.DISCONNECTED);
        clock.advance(Duration.ofSeconds(1));
        assertThat(agent.poll()).isEqualTo(IceConnectionState.FAILED);
        assertThat(agent.failure()).contains(IceLiteAgent.Failure.CONSENT_EXPIRED);

        assertThat(send(check(true), HOST_A).outcome()).as("FAILED is final").isEqualTo(Outcome.DROPPED_FAILED);
        assertThat(agent.poll()).isEqualTo(IceConnectionState.FAILED);
    }

    @Test
    void aFreshCheckRestoresConsent() throws Exception {
        send(check(true), HOST_A);
        clock.advance(Duration.ofSeconds(10));
        assertThat(agent.poll()).isEqualTo(IceConnectionState.DISCONNECTED);

        send(check(false), HOST_A);

        assertThat(agent.poll()).isEqualTo(IceConnectionState.CONNECTED);
        assertThat(agent.failure()).isEmpty();
    }

    @Test
    void consentCountsOnlyForTheSelectedAddress() throws Exception {
        send(check(true), HOST_A);
        clock.advance(Duration.ofSeconds(6));

        send(check(false), HOST_B);

        assertThat(agent.poll()).isEqualTo(IceConnectionState.DISCONNECTED);
    }

    @Test
    void aSessionThatNeverConnectsFailsAfterTheConnectTimeout() throws Exception {
        clock.advance(Duration.ofSeconds(20));
        send(check(false), HOST_A); // valid, but never nominated
        clock.advance(Duration.ofMillis(9999));
        assertThat(agent.poll()).isEqualTo(IceConnectionState.CHECKING);

        clock.advance(Duration.ofMillis(1));

        assertThat(agent.poll()).isEqualTo(IceConnectionState.FAILED);
        assertThat(agent.failure()).contains(IceLiteAgent.Failure.CONNECT_TIMEOUT);
    }

    @Test
    void aCheckedButNotNominatedPairThatGoesSilentLosesConsent() throws Exception {
        IceLiteAgent patient = IceLiteAgent.create(SERVER,
                new IceLiteConfig(Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(30), 8), clock);
        byte[] check = check(false);
        patient.onBindingRequest(StunMessage.parse(check, 0, check.length), HOST_A, UDP, out, 0);
        clock.advance(Duration.ofSeconds(10));
        patient.onBindingRequest(StunMessage.parse(check, 0, check.length), HOST_A, UDP, out, 0);
        clock.advance(Duration.ofMillis(29_999));
        assertThat(patient.poll()).isEqualTo(IceConnectionState.CHECKING);

        clock.advance(Duration.ofMillis(1));

        assertThat(patient.poll()).isEqualTo(IceConnectionState.FAILED);
        assertThat(patient.failure()).contains(IceLiteAgent.Failure.CONSENT_EXPIRED);
    }

    @Test
    void timeoutsAreConfigurable() throws Exception {
        IceLiteAgent quick = IceLiteAgent.create(SERVER,
                new IceLiteConfig(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1), 2), clock);

        clock.advance(Duration.ofSeconds(2));

        assertThat(quick.poll()).isEqualTo(IceConnectionState.FAILED);
        assertThatThrownBy(() -> new IceLiteConfig(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5), 8)).hasMessageContaining("disconnectedAfter");
        assertThatThrownBy(() -> new IceLiteConfig(Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 8)).hasMessageContaining("at least 1 ms");
        assertThatThrownBy(() -> new IceLiteConfig(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(30), 1)).hasMessageContaining("maxCandidateAddresses must be 2..64");
    }

    @Test
    void theCandidateTableIsBoundedAndKeepsTheSelectedAddress() throws Exception {
        IceLiteAgent small = IceLiteAgent.create(SERVER,
                new IceLiteConfig(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30), 2), clock);
        byte[] nominate = check(true);
        small.onBindingRequest(StunMessage.parse(nominate, 0, nominate.length), HOST_A, UDP, out, 0);

        for (int port = 1; port <= 20; port++) {
            clock.advance(Duration.ofMillis(10));
            byte[] request = check(false);
            InetSocketAddress from = new InetSocketAddress("203.0.113.1", port);
            assertThat(small.onBindingRequest(StunMessage.parse(request, 0, request.length), from, UDP, out, 0)
                    .outcome()).isEqualTo(Outcome.ACCEPTED);
        }

        assertThat(small.selected()).isEqualTo(new RemoteCandidate(HOST_A, UDP));
        assertThat(small.lastValidRequestMillis(HOST_A, UDP)).isEqualTo(1_000_000);
        assertThat(small.lastValidRequestMillis(new InetSocketAddress("203.0.113.1", 20), UDP))
                .isEqualTo(clock.millis());
        assertThat(small.lastValidRequestMillis(new InetSocketAddress("203.0.113.1", 19), UDP)).isEqualTo(-1);
    }

    @Test
    void udpAndTcpFromTheSameAddressAreDifferentCandidates() throws Exception {
        byte[] overTcp = check(true);
        agent.onBindingRequest(StunMessage.parse(overTcp, 0, overTcp.length), HOST_A, TCP, out, 0);
        clock.advance(Duration.ofSeconds(6));

        send(check(false), HOST_A);

        assertThat(agent.selected()).isEqualTo(new RemoteCandidate(HOST_A, TCP));
        assertThat(agent.lastValidRequestMillis(HOST_A, TCP)).isEqualTo(1_000_000);
        assertThat(agent.lastValidRequestMillis(HOST_A, UDP)).isEqualTo(1_006_000);
        assertThat(agent.poll()).as("UDP checks do not renew the TCP pair's consent")
                .isEqualTo(IceConnectionState.DISCONNECTED);
    }

    @Test
    void theResponseLengthMatchesWhatWasWrittenForEveryOutcome() throws Exception {
        agent.setRemoteCredentials(CLIENT);
        byte[][] requests = {
            check(false), check(true),
            check("srvUfrag:xxxx", SERVER.pwd(), IceRole.CONTROLLING, false),
            check("srvUfrag:cliU", "wrongPasswordWrongPassword", IceRole.CONTROLLING, false),
            check("srvUfrag:cliU", SERVER.pwd(), IceRole.CONTROLLED, false),
            bindingRequest().username("srvUfrag:cliU").fingerprint().build(),
        };
        for (byte[] request : requests) {
            for (InetSocketAddress from : new InetSocketAddress[] {HOST_A, HOST_V6}) {
                Arrays.fill(out, (byte) 0);
                Response result = send(request, from);
                StunMessage response = response(result);
                assertThat(response.length()).isEqualTo(result.length());
                assertThat(response.verifyFingerprint()).isTrue();
                assertThat(result.toString()).contains(result.outcome().name());
            }
        }
    }

    @Test
    void responsesCanBeWrittenAtAnOffset() throws Exception {
        byte[] big = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH + 2];
        byte[] request = check(true);

        StunMessage parsed = StunMessage.parse(request, 0, request.length);

        Response result = agent.onBindingRequest(parsed, HOST_A, UDP, big, 2);

        assertThat(StunMessage.parse(big, 2, result.length()).xorMappedAddress()).contains(HOST_A);
        assertThatThrownBy(() -> agent.onBindingRequest(parsed, HOST_A, UDP, big, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> agent.onBindingRequest(parsed, InetSocketAddress.createUnresolved("example.com", 1),
                UDP, big, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resolved");
    }

    @Test
    void theRequestPathAllocatesNothingOnceTheAddressIsKnown() throws Exception {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeThat(threads).isInstanceOf(com.sun.management.ThreadMXBean.class);
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) threads;
        assumeThat(allocation.isThreadAllocatedMemorySupported()).isTrue();
        agent.setRemoteCredentials(CLIENT);
        byte[] request = check(true);
        StunMessage parsed = StunMessage.parse(request, 0, request.length);
        for (int i = 0; i < 20_000; i++) {
            agent.onBindingRequest(parsed, HOST_A, UDP, out, 0);
        }
        long thread = Thread.currentThread().getId();

        long before = allocation.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            agent.onBindingRequest(parsed, HOST_A, UDP, out, 0);
        }
        long allocated = allocation.getThreadAllocatedBytes(thread) - before;

        assertThat(allocated).as("bytes allocated by 10,000 checks").isLessThan(10_000);
    }

    @Test
    void credentialsAreCheckedGeneratedAndHidden() {
        IceCredentials generated = IceCredentials.generate(new SecureRandom());
        assertThat(generated.ufrag()).hasSize(IceCredentials.GENERATED_UFRAG_LENGTH).matches("[A-Za-z0-9+/]+");
        assertThat(generated.pwd()).hasSize(IceCredentials.GENERATED_PWD_LENGTH).matches("[A-Za-z0-9+/]+");
        assertThat(generated).isNotEqualTo(IceCredentials.generate(new SecureRandom()));
        assertThat(generated.toString()).contains(generated.ufrag()).doesNotContain(generated.pwd());
        assertThat(IceCredentials.of(generated.ufrag(), generated.pwd())).isEqualTo(generated)
                .hasSameHashCodeAs(generated);

        assertThatThrownBy(() -> IceCredentials.of("abc", "serverPasswordOf24Chars+"))
                .hasMessageContaining("ice-ufrag must have 4..256");
        assertThatThrownBy(() -> IceCredentials.of("abcd", "short"))
                .hasMessageContaining("ice-pwd must have 22..256");
        assertThatThrownBy(() -> IceCredentials.of("ab:d", "serverPasswordOf24Chars+"))
                .hasMessageContaining("':' at index 2");
        assertThatThrownBy(() -> IceCredentials.of("abcd", "serverPasswordOf24Chars\u00e9"))
                .hasMessageContaining("U+00E9");
    }
}
