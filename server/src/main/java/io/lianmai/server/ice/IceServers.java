package io.lianmai.server.ice;

import io.lianmai.auth.TurnCredential;
import io.lianmai.common.UserId;
import io.lianmai.server.config.TurnConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ICE servers a client is given when it joins ({@code turn.*}): the configured TURN servers with a credential
 * signed for that user (the TURN REST form coturn checks on its own, {@link TurnCredential}), and STUN servers as
 * they are. A user behind a firewall that lets only TCP/443 or only the TURN server out still reaches the media
 * port through the relay. Signalling {@code enter}/{@code resume} carry them as {@code iceServers} (what
 * {@code RTCPeerConnection} takes); WHIP/WHEP answers as {@code Link: <url>; rel="ice-server"} (RFC 9725 §4.6).
 */
public final class IceServers {
    private final TurnConfig config;
    private final Clock clock;

    public IceServers(TurnConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Whether any server is configured. */
    public boolean isEmpty() {
        return config.urls().isEmpty();
    }

    /**
     * The servers for {@code userId}: one entry with every STUN URL (no credential), one with every TURN URL and a
     * credential valid for {@code turn.credentialSeconds} from now. Empty when nothing is configured.
     */
    public List<IceServer> forUser(UserId userId) {
        List<String> stun = new ArrayList<>();
        List<String> turn = new ArrayList<>();
        for (String url : config.urls()) {
            (url.startsWith("turn") ? turn : stun).add(url);
        }
        List<IceServer> servers = new ArrayList<>();
        if (!stun.isEmpty()) {
            servers.add(new IceServer(stun, Optional.empty()));
        }
        if (!turn.isEmpty()) {
            servers.add(new IceServer(turn, Optional.of(TurnCredential.issue(config.secret(), userId.value(),
                    clock.instant().plus(config.credentialLifetime())))));
        }
        return servers;
    }

    /**
     * The WHIP/WHEP {@code Link} header values for {@code userId} (RFC 9725 §4.6, RFC 8288): one per URL, with
     * {@code username}, {@code credential} and {@code credential-type="password"} on TURN servers.
     */
    public List<String> linkHeaders(UserId userId) {
        List<String> links = new ArrayList<>();
        for (IceServer server : forUser(userId)) {
            for (String url : server.urls()) {
                StringBuilder link = new StringBuilder("<").append(url).append(">; rel=\"ice-server\"");
                server.credential().ifPresent(c -> link.append("; username=\"").append(c.username())
                        .append("\"; credential=\"").append(c.credential())
                        .append("\"; credential-type=\"password\""));
                links.add(link.toString());
            }
        }
        return links;
    }

    /**
     * One {@code RTCIceServer}: its URLs, and for TURN the credential.
     *
     * @param urls        TURN or STUN URLs sharing the credential
     * @param credential  the TURN credential; empty for STUN
     */
    public record IceServer(List<String> urls, Optional<TurnCredential> credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }
    }
}
