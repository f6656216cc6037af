package io.lianmai.media.dtls;

import io.lianmai.media.srtp.SrtpConfig;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import java.util.Arrays;

/**
 * The SRTP keys a DTLS-SRTP handshake exports (RFC 5764 §4.2): the TLS exporter with label
 * {@code EXTRACTOR-dtls_srtp} and no context yields
 * <pre>
 *   client_write_SRTP_master_key | server_write_SRTP_master_key |
 *   client_write_SRTP_master_salt | server_write_SRTP_master_salt
 * </pre>
 * The client protects with the client keys and the server with the server keys, so each side decrypts with the
 * other's. This object knows which side it belongs to and hands out contexts for each direction. Immutable.
 */
public final class DtlsSrtpKeyingMaterial {
    /** The exporter label of RFC 5764 §4.2. */
    public static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

    private final SrtpProfile profile;
    private final SrtpMasterKey clientWriteKey;
    private final SrtpMasterKey serverWriteKey;
    private final boolean localIsServer;

    private DtlsSrtpKeyingMaterial(SrtpProfile profile, SrtpMasterKey clientWriteKey, SrtpMasterKey serverWriteKey,
            boolean localIsServer) {
        this.profile = profile;
        this.clientWriteKey = clientWriteKey;
        this.serverWriteKey = serverWriteKey;
        this.localIsServer = localIsServer;
    }

    /**
     * Splits exported keying material of {@code profile.keyingMaterialLength()} bytes; the array is wiped
     * afterwards.
     *
     * @param localIsServer whether this side was the DTLS server
     */
    public static DtlsSrtpKeyingMaterial split(SrtpProfile profile, byte[] material, boolean localIsServer) {
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException(profile.rfcName() + " needs " + profile.keyingMaterialLength()
                    + " bytes of keying material, got " + material.length);
        }
        int key = profile.masterKeyLength();
        int salt = profile.masterSaltLength();
        SrtpMasterKey client = SrtpMasterKey.of(profile, material, 0, 2 * key);
        SrtpMasterKey server = SrtpMasterKey.of(profile, material, key, 2 * key + salt);
        Arrays.fill(material, (byte) 0);
        return new DtlsSrtpKeyingMaterial(profile, client, server, localIsServer);
    }

    /** The negotiated protection profile. */
    public SrtpProfile profile() {
        return profile;
    }

    /** Whether this side was the DTLS server (Lianmai's role, {@code a=setup:passive}). */
    public boolean localIsServer() {
        return localIsServer;
    }

    /** The key the DTLS client protects with. */
    public SrtpMasterKey clientWriteKey() {
        return clientWriteKey;
    }

    /** The key the DTLS server protects with. */
    public SrtpMasterKey serverWriteKey() {
        return serverWriteKey;
    }

    /** The key this side protects its outgoing packets with. */
    public SrtpMasterKey localWriteKey() {
        return localIsServer ? serverWriteKey : clientWriteKey;
    }

    /** The key the remote protects with, so this side unprotects with it. */
    public SrtpMasterKey remoteWriteKey() {
        return localIsServer ? clientWriteKey : serverWriteKey;
    }

    /** A new context to unprotect packets from the remote. */
    public SrtpContext newInboundContext() {
        return SrtpContext.create(remoteWriteKey());
    }

    /** A new context to unprotect packets from the remote, with {@code config}. */
    public SrtpContext newInboundContext(SrtpConfig config) {
        return SrtpContext.create(remoteWriteKey(), config);
    }

    /** A new context to protect packets sent to the remote. */
    public SrtpContext newOutboundContext() {
        return SrtpContext.create(localWriteKey());
    }

    /** A new context to protect packets sent to the remote, with {@code config}. */
    public SrtpContext newOutboundContext(SrtpConfig config) {
        return SrtpContext.create(localWriteKey(), config);
    }

    @Override
    public String toString() {
        return "DtlsSrtpKeyingMaterial[" + profile.rfcName() + (localIsServer ? ", server side" : ", client side")
                + ", keys redacted]";
    }
}
