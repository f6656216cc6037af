package io.lianmai.server.config;

import java.time.Duration;
import java.util.List;

/**
 * The TURN (and STUN) servers clients are told about, and how their credentials are signed ({@code turn.*}).
 *
 * @param urls                TURN/STUN URLs (RFC 7065, RFC 7064), in the order clients should try them
 * @param secret              the secret shared with the TURN server ({@code static-auth-secret}); empty when
 *                            {@code urls} lists only STUN servers or nothing
 * @param credentialLifetime  how long a credential is accepted
 */
public record TurnConfig(List<String> urls, String secret, Duration credentialLifetime) {
    /** No TURN: clients reach the media port directly. */
    public static final TurnConfig NONE = new TurnConfig(List.of(), "", Duration.ofDays(1));

    public TurnConfig {
        urls = List.copyOf(urls);
    }

    @Override
    public String toString() {
        return "TurnConfig[urls=" + urls + ", secret=" + (secret.isEmpty() ? "none" : "(hidden)")
                + ", credentialLifetime=" + credentialLifetime + "]";
    }
}
