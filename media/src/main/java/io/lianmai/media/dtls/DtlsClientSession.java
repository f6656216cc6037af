package io.lianmai.media.dtls;

import java.io.IOException;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;

/**
 * The DTLS client side of a DTLS-SRTP association, as a browser plays it ({@code a=setup:active} or the
 * {@code actpass} offerer answered with {@code passive}): used by tests, WHIP/WHEP client simulations and the
 * load generator. Same shape as {@link DtlsServerSession}; {@link #start()} sends the ClientHello at once.
 */
public final class DtlsClientSession extends DtlsSession {
    /** The {@code a=setup} value of an endpoint that is the DTLS client (RFC 4145 §4). */
    public static final String SDP_SETUP = "active";

    DtlsClientSession(DtlsContext context, DtlsFingerprint remoteFingerprint, DtlsSender sender,
            DtlsSessionListener listener) {
        super(context, remoteFingerprint, sender, listener);
    }

    @Override
    public boolean isServer() {
        return false;
    }

    @Override
    DTLSTransport handshake(DtlsContext context, QueueDatagramTransport transport) throws IOException {
        return new DTLSClientProtocol().connect(new WebRtcTlsClient(context, this), transport);
    }
}
