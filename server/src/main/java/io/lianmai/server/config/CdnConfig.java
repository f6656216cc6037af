package io.lianmai.server.config;

import java.util.List;

/**
 * CDN relays ({@code StartPublishCdnStream}): where they may push, how long they keep trying, how many may run.
 *
 * @param allowPrivateTargets whether loopback, link-local, private, CGNAT, multicast and unspecified addresses may be
 *                            pushed to
 * @param allowedHosts        host names, IP addresses or CIDR blocks reachable even in those ranges
 * @param deniedHosts         host names, IP addresses or CIDR blocks never reachable (wins over everything)
 * @param maxRetries          failed attempts in a row after which a relay gives up
 * @param maxTasksPerApp      tasks one app may run at once on this node
 * @param maxTasks            tasks on this node, all apps together
 */
public record CdnConfig(boolean allowPrivateTargets, List<String> allowedHosts, List<String> deniedHosts,
                        int maxRetries, int maxTasksPerApp, int maxTasks) {
    /** Public targets only, 10 retries (about 3.5 min), 50 tasks per app, 1000 per node. */
    public static final CdnConfig DEFAULT = new CdnConfig(false, List.of(), List.of(), 10, 50, 1000);

    public CdnConfig {
        allowedHosts = List.copyOf(allowedHosts);
        deniedHosts = List.copyOf(deniedHosts);
    }
}
