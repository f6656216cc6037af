package io.lianmai.server.live;

import io.lianmai.server.config.CdnConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where CDN relays may push (finding 7 of issue 12: a REST caller must not aim this server at itself, its network or
 * a cloud metadata service). A target host is resolved once; every address it resolves to must be allowed, and the
 * relay connects to the checked address, never resolving again in between (no DNS rebinding).
 *
 * <p>Denied unless {@code cdn.allowPrivateTargets}: loopback (127/8, ::1), link-local (169.254/16, fe80::/10),
 * private (10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10), CGNAT (100.64/10), "this network" (0/8), IETF
 * protocol assignments (192.0.0/24), benchmarking (198.18/15), multicast (224/4, ff00::/8), reserved and broadcast
 * (240/4), unspecified (::); IPv4 addresses embedded in IPv6 (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16)
 * are judged as the IPv4 address. {@code cdn.allowedHosts} lifts the denial for named hosts and blocks;
 * {@code cdn.deniedHosts} denies always.
 *
 * <p>Blocking (DNS): call from a worker thread. Thread-safe (immutable).
 */
public final class CdnTargetPolicy {
    /** Resolves host names; tests pass a fake so that no lookup leaves the machine. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A target this policy refuses; the message says why and is safe to show to the REST caller. */
    public static final class DeniedException extends Exception {
        private static final long serialVersionUID = 1L;

        DeniedException(String message) {
            super(message, null, false, false);
        }
    }

    private static final List<Block> SPECIAL_V4 = List.of(
            Block.v4("0.0.0.0", 8, "a 'this network' (0.0.0.0/8)"),
            Block.v4("10.0.0.0", 8, "a private (10.0.0.0/8)"),
            Block.v4("100.64.0.0", 10, "a carrier-grade NAT (100.64.0.0/10)"),
            Block.v4("127.0.0.0", 8, "a loopback (127.0.0.0/8)"),
            Block.v4("169.254.0.0", 16, "a link-local (169.254.0.0/16)"),
            Block.v4("172.16.0.0", 12, "a private (172.16.0.0/12)"),
            Block.v4("192.0.0.0", 24, "an IETF protocol (192.0.0.0/24)"),
            Block.v4("192.168.0.0", 16, "a private (192.168.0.0/16)"),
            Block.v4("198.18.0.0", 15, "a benchmarking (198.18.0.0/15)"),
            Block.v4("224.0.0.0", 4, "a multicast (224.0.0.0/4)"),
            Block.v4("240.0.0.0", 4, "a reserved or broadcast (240.0.0.0/4)"));
    private static final List<Block> SPECIAL_V6 = List.of(
            Block.parse("::/128", "an unspecified (::)"),
            Block.parse("::1/128", "a loopback (::1)"),
            Block.parse("fe80::/10", "a link-local (fe80::/10)"),
            Block.parse("fec0::/10", "a site-local (fec0::/10)"),
            Block.parse("fc00::/7", "a unique local (fc00::/7)"),
            Block.parse("ff00::/8", "a multicast (ff00::/8)"));

    private final boolean allowPrivate;
    private final List<String> allowedNames = new ArrayList<>();
    private final List<Block> allowedBlocks = new ArrayList<>();
    private final List<String> deniedNames = new ArrayList<>();
    private final List<Block> deniedBlocks = new ArrayList<>();
    private final Resolver resolver;
    private final String rule;

    /**
     * @throws IllegalArgumentException when an entry of {@code cdn.allowedHosts}/{@code cdn.deniedHosts} is neither
     *                                  a host name nor an address nor a CIDR block
     */
    public CdnTargetPolicy(CdnConfig config, Resolver resolver) {
        this(config.allowPrivateTargets(), config.allowedHosts(), config.deniedHosts(),
                "CDN relays push only to public addresses (cdn.allowPrivateTargets, cdn.allowedHosts)", resolver);
    }

    /**
     * The same policy for another outbound client (e.g. mix images): {@code rule} ends a refusal's message, naming
     * what is allowed and the settings that allow more.
     *
     * @throws IllegalArgumentException when an entry of {@code allowedHosts}/{@code deniedHosts} is neither a host
     *                                  name nor an address nor a CIDR block
     */
    public CdnTargetPolicy(boolean allowPrivate, List<String> allowedHosts, List<String> deniedHosts, String rule,
            Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.rule = rule;
        split(allowedHosts, allowedNames, allowedBlocks);
        split(deniedHosts, deniedNames, deniedBlocks);
    }

    /** With the system resolver. */
    public CdnTargetPolicy(CdnConfig config) {
        this(config, InetAddress::getAllByName);
    }

    /**
     * Resolves {@code host} and checks every address it resolves to.
     *
     * @return the address to connect to (the first one resolved)
     * @throws DeniedException when the host is denied, resolves to a denied address, or cannot be resolved
     */
    public InetSocketAddress check(String host, int port) throws DeniedException {
        String name = host.toLowerCase(Locale.ROOT);
        if (deniedNames.contains(name)) {
            throw new DeniedException(host + " is in cdn.deniedHosts");
        }
        InetAddress[] addresses;
        try {
            // A literal is parsed, never looked up.
            String literal = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
            addresses = isLiteral(name) ? new InetAddress[] {InetAddress.getByName(literal)} : resolver.resolve(name);
        } catch (UnknownHostException e) {
            throw new DeniedException("cannot resolve " + host);
        }
        if (addresses == null || addresses.length == 0) {
            throw new DeniedException("cannot resolve " + host);
        }
        boolean nameAllowed = allowedNames.contains(name);
        // A name's resolved address is not echoed: the range says enough, and internal DNS stays internal.
        String what = isLiteral(name) ? host + " is" : host + " resolves to";
        for (InetAddress address : addresses) {
            if (deniedBlocks.stream().anyMatch(block -> block.contains(address))) {
                throw new DeniedException(what + " an address in cdn.deniedHosts");
            }
            Optional<String> special = special(address);
            if (special.isPresent() && !allowPrivate && !nameAllowed
                    && allowedBlocks.stream().noneMatch(block -> block.contains(address))) {
                throw new DeniedException(what + " " + special.get() + " address; " + rule);
            }
        }
        return new InetSocketAddress(addresses[0], port);
    }

    /** Which special range {@code address} is in ("a loopback (127.0.0.0/8)"), or empty for a public address. */
    public static Optional<String> special(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            Optional<byte[]> embedded = embeddedV4(bytes);
            if (embedded.isPresent()) {
                return specialV4(embedded.get());
            }
            for (Block block : SPECIAL_V6) {
                if (block.contains(bytes)) {
                    return Optional.of(block.description);
                }
            }
            return Optional.empty();
        }
        return specialV4(bytes);
    }

    private static Optional<String> specialV4(byte[] v4) {
        for (Block block : SPECIAL_V4) {
            if (block.contains(v4)) {
                return Optional.of(block.description);
            }
        }
        return Optional.empty();
    }

    /** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d (not ::/::1), 64:ff9b::/96 (NAT64) or 2002:ab:cd::/16. */
    private static Optional<byte[]> embeddedV4(byte[] v6) {
        boolean zeroTo80 = true;
        for (int i = 0; i < 10; i++) {
            zeroTo80 &= v6[i] == 0;
        }
        boolean mapped = zeroTo80 && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
        boolean compatible = zeroTo80 && v6[10] == 0 && v6[11] == 0
                && (v6[12] != 0 || v6[13] != 0 || v6[14] != 0 || (v6[15] & 0xfe) != 0);
        boolean nat64 = v6[0] == 0 && v6[1] == 0x64 && v6[2] == (byte) 0xff && v6[3] == (byte) 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = v6[i] == 0;
        }
        if (mapped || compatible || nat64) {
            return Optional.of(new byte[] {v6[12], v6[13], v6[14], v6[15]});
        }
        if (v6[0] == 0x20 && v6[1] == 0x02) {
            return Optional.of(new byte[] {v6[2], v6[3], v6[4], v6[5]});
        }
        return Optional.empty();
    }

    private static void split(List<String> entries, List<String> names, List<Block> blocks) {
        for (String entry : entries) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.indexOf('/') >= 0 || isLiteral(e)) {
                blocks.add(Block.parse(e, e));
            } else if (e.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?")) {
                names.add(e.endsWith(".") ? e.substring(0, e.length() - 1) : e);
            } else {
                throw new IllegalArgumentException("'" + entry + "' is neither a host name, an IP address nor a "
                        + "CIDR block");
            }
        }
    }

    /** Whether {@code text} is an IPv4 or IPv6 literal (never resolved: no DNS). */
    static boolean isLiteral(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return t.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || (t.indexOf(':') >= 0 && t.matches("[0-9a-f:.]+"));
    }

    /** An address block: {@code prefix} bits of {@code network}. */
    private static final class Block {
        private final byte[] network;
        private final int prefix;
        private final String description;

        private Block(byte[] network, int prefix, String description) {
            this.network = network;
            this.prefix = prefix;
            this.description = description;
        }

        static Block v4(String address, int prefix, String description) {
            return parse(address + "/" + prefix, description);
        }

        /** {@code address[/prefix]}, a literal only (no DNS). */
        static Block parse(String cidr, String description) {
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            if (address.startsWith("[") && address.endsWith("]")) {
                address = address.substring(1, address.length() - 1);
            }
            if (!isLiteral(address)) {
                throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
            }
            int max = bytes.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + cidr + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + cidr + "' has a prefix length beyond " + max);
            }
            return new Block(bytes, prefix, description);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length && address instanceof Inet6Address) {
                bytes = embeddedV4(bytes).orElse(bytes);
            }
            return contains(bytes);
        }

        boolean contains(byte[] bytes) {
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }
}
