package io.lianmai.media.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What every DTLS session of a process shares — the certificate, the configuration, the executor that runs
 * handshakes, the clock and the random source — and the factory of sessions, as {@code SSLContext} is for
 * {@code SSLEngine}s. Create one at start-up; thread-safe.
 */
public final class DtlsContext {
    private final DtlsCertificate certificate;
    private final DtlsConfig config;
    private final Executor executor;
    private final Clock clock;
    private final BcTlsCrypto crypto;
    private final Certificate tlsCertificate;

    /**
     * @param executor runs handshakes (each holds a thread for up to {@link DtlsConfig#handshakeTimeout()}) and
     *     short drain tasks; a small shared pool, sized for the handshakes expected at once
     */
    public DtlsContext(DtlsCertificate certificate, DtlsConfig config, Executor executor, Clock clock,
            SecureRandom random) {
        this.certificate = certificate;
        this.config = config;
        this.executor = executor;
        this.clock = clock;
        this.crypto = new BcTlsCrypto(random);
        try {
            TlsCertificate encoded = crypto.createCertificate(certificate.encodedInternal());
            this.tlsCertificate = new Certificate(new TlsCertificate[] {encoded});
        } catch (IOException e) {
            throw new IllegalArgumentException("BouncyCastle cannot read the DTLS certificate", e);
        }
    }

    /** A context with a freshly generated certificate ({@link DtlsCertificate#generate}). */
    public static DtlsContext withNewCertificate(DtlsConfig config, Executor executor, Clock clock) {
        SecureRandom random = new SecureRandom();
        return new DtlsContext(DtlsCertificate.generate(clock, random), config, executor, clock, random);
    }

    /**
     * A server session for a remote whose SDP carried {@code remoteFingerprint}; call
     * {@link DtlsSession#start()} to begin.
     */
    public DtlsServerSession newServerSession(DtlsFingerprint remoteFingerprint, DtlsSender sender,
            DtlsSessionListener listener) {
        return new DtlsServerSession(this, remoteFingerprint, sender, listener);
    }

    /** A client session for a remote (a server) whose SDP carried {@code remoteFingerprint}. */
    public DtlsClientSession newClientSession(DtlsFingerprint remoteFingerprint, DtlsSender sender,
            DtlsSessionListener listener) {
        return new DtlsClientSession(this, remoteFingerprint, sender, listener);
    }

    /** The certificate every session presents; its fingerprint goes into every SDP answer. */
    public DtlsCertificate certificate() {
        return certificate;
    }

    public DtlsConfig config() {
        return config;
    }

    Executor executor() {
        return executor;
    }

    Clock clock() {
        return clock;
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    Certificate tlsCertificate() {
        return tlsCertificate;
    }
}
