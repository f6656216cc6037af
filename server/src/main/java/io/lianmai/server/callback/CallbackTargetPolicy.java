package io.lianmai.server.callback;

import io.lianmai.server.live.CdnTargetPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where callback URLs may point: an app's callback URL is set by whoever administers the app, and this server posts
 * to it, so without a limit it could be aimed at this host, its private network or a cloud metadata service. The same
 * ranges as CDN relays are refused ({@link CdnTargetPolicy#special}: loopback, private, link-local, CGNAT, multicast,
 * unspecified, and IPv4 embedded in IPv6) unless {@code callbacks.allowPrivateTargets}. Every address the host
 * resolves to must be allowed.
 *
 * <p>Checked when the URL is set (the CLI) and before every delivery attempt. The HTTP client resolves the host
 * again when it connects, so a DNS answer that changes in between (rebinding) is not excluded: docs/security.md.
 *
 * <p>Blocking (DNS): call from a thread that may block. Thread-safe (immutable).
 */
public final class CallbackTargetPolicy {
    /** A URL this policy refuses; the message says why, without secrets. */
    public static final class DeniedException extends Exception {
        private static final long serialVersionUID = 1L;

        DeniedException(String message) {
            super(message, null, false, false);
        }
    }

    private final boolean allowPrivate;
    private final CdnTargetPolicy.Resolver resolver;

    public CallbackTargetPolicy(boolean allowPrivate, CdnTargetPolicy.Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** With the system resolver. */
    public CallbackTargetPolicy(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    /**
     * Checks the URL's form (absolute {@code http} or {@code https} with a host, no user info) and, unless private
     * targets are allowed, every address its host resolves to.
     *
     * @return the parsed URL
     * @throws DeniedException saying why not
     */
    public URI check(String url) throws DeniedException {
        URI uri = parse(url);
        if (allowPrivate) {
            return uri;
        }
        String host = uri.getHost();
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            // A literal is parsed, never looked up.
            addresses = isLiteral(literal) ? new InetAddress[] {InetAddress.getByName(literal)}
                    : resolver.resolve(literal);
        } catch (UnknownHostException e) {
            throw new DeniedException("cannot resolve " + host);
        }
        if (addresses == null || addresses.length == 0) {
            throw new DeniedException("cannot resolve " + host);
        }
        for (InetAddress address : addresses) {
            Optional<String> special = CdnTargetPolicy.special(address);
            if (special.isPresent()) {
                throw new DeniedException(host + " is or resolves to " + special.get() + " address; callbacks go "
                        + "only to public addresses unless callbacks.allowPrivateTargets is true");
            }
        }
        return uri;
    }

    /** Whether {@code host} is an IPv4 or IPv6 address (brackets removed), which needs no DNS. */
    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    /** The URL's form only, no DNS: an absolute http or https URL with a host and no user info. */
    static URI parse(String url) throws DeniedException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new DeniedException("not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new DeniedException("the callback URL must be an absolute http:// or https:// URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            // Credentials in a URL end up in logs and listings; receivers verify the Sign header instead.
            throw new DeniedException("the callback URL must not carry a user name or password");
        }
        return uri;
    }
}
