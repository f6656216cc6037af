package io.lianmai.media.ice;

/**
 * An ICE agent's role (RFC 8445 §6.1.1): the controlling agent nominates the pair, the controlled one follows. A lite
 * agent such as this server is always {@link #CONTROLLED}.
 */
public enum IceRole {
    /** Nominates pairs; sends ICE-CONTROLLING in its checks. Browsers facing a lite server. */
    CONTROLLING,
    /** Follows nominations; sends ICE-CONTROLLED in its checks (a lite agent sends none). */
    CONTROLLED
}
