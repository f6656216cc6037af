package io.lianmai.media.ice;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One ICE candidate as SDP carries it in {@code a=candidate:} (RFC 8839 §5.1), with the {@code tcptype} extension of
 * RFC 6544 §4.5:
 *
 * <pre>
 * candidate:{foundation} {component} {transport} {priority} {address} {port} typ {type}
 *           [raddr {address} rport {port}] [tcptype active|passive|so] *({name} {value})
 * </pre>
 *
 * The server advertises only host candidates ({@link #hostCandidates}); {@link #parse} reads what clients send,
 * including mDNS host names ({@code <uuid>.local}), which are kept as text and never resolved. Immutable.
 */
public final class IceCandidate {

    /** The transport protocol of a candidate. */
    public enum Transport {
        /** Plain UDP. */
        UDP,
        /** ICE-TCP with RFC 4571 framing (RFC 6544). */
        TCP
    }

    /** The candidate type (RFC 8445 §5.1.1). */
    public enum Type {
        /** An address on the agent's own interface. */
        HOST("host"),
        /** The agent's address as a STUN server saw it. */
        SRFLX("srflx"),
        /** The agent's address as the peer saw it, learned from a check. */
        PRFLX("prflx"),
        /** An address on a TURN server. */
        RELAY("relay");

        private final String sdpName;

        Type(String sdpName) {
            this.sdpName = sdpName;
        }

        /** The name in SDP, e.g. {@code host}. */
        public String sdpName() {
            return sdpName;
        }
    }

    /** Who opens the TCP connection (RFC 6544 §4.5). */
    public enum TcpType {
        /** Opens connections, never accepts them. */
        ACTIVE("active"),
        /** Accepts connections, never opens them: the server's ICE-TCP candidate. */
        PASSIVE("passive"),
        /** Simultaneous open. */
        SO("so");

        private final String sdpName;

        TcpType(String sdpName) {
            this.sdpName = sdpName;
        }

        /** The name in SDP, e.g. {@code passive}. */
        public String sdpName() {
            return sdpName;
        }
    }

    /** Type preference of host candidates (RFC 8445 §5.1.2.2 recommends 126). */
    public static final int HOST_UDP_TYPE_PREFERENCE = 126;
    /**
     * Type preference of TCP host candidates: below every UDP type's, so that any UDP pair outranks any TCP pair and
     * TCP stays the fallback for networks that block UDP. 90 is what libwebrtc uses.
     */
    public static final int HOST_TCP_TYPE_PREFERENCE = 90;
    /** The RTP component; with rtcp-mux (always, in WebRTC) the only one. */
    public static final int RTP_COMPONENT = 1;
    /** RFC 6544 §4.2: direction preference of a passive host candidate. */
    static final int PASSIVE_DIRECTION_PREFERENCE = 4;
    /** Longest line {@link #parse} reads; real ones are under 200 characters. */
    static final int MAX_LINE_LENGTH = 1024;

    private final String foundation;
    private final int component;
    private final Transport transport;
    private final long priority;
    private final String address;
    private final int port;
    private final Type type;
    private final String relatedAddress;
    private final int relatedPort;
    private final TcpType tcpType;
    private final Map<String, String> extensions;

    private IceCandidate(String foundation, int component, Transport transport, long priority, String address,
            int port, Type type, String relatedAddress, int relatedPort, TcpType tcpType,
            Map<String, String> extensions) {
        this.foundation = foundation;
        this.component = component;
        this.transport = transport;
        this.priority = priority;
        this.address = address;
        this.port = port;
        this.type = type;
        this.relatedAddress = relatedAddress;
        this.relatedPort = relatedPort;
        this.tcpType = tcpType;
        this.extensions = extensions;
    }

    // ---- the server's candidates ----

    /**
     * Candidate priority (RFC 8445 §5.1.2.1): {@code 2^24 * type + 2^8 * local + (256 - component)}.
     *
     * @throws IllegalArgumentException if a preference or the component is out of range
     */
    public static long priority(int typePreference, int localPreference, int componentId) {
        if (typePreference < 0 || typePreference > 126 || localPreference < 0 || localPreference > 65535
                || componentId < 1 || componentId > 256) {
            throw new IllegalArgumentException("priority needs type preference 0..126, local preference 0..65535"
                    + " and component 1..256, got " + typePreference + ", " + localPreference + ", " + componentId);
        }
        return ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - componentId);
    }

    /** {@link #hostCandidates(List, int, int)} without an ICE-TCP candidate. */
    public static List<IceCandidate> hostCandidates(List<InetAddress> addresses, int udpPort) {
        return build(addresses, udpPort, -1);
    }

    /**
     * The server's candidates: for each address, in order of preference, a UDP host candidate on {@code udpPort}
     * and a passive TCP host candidate on {@code tcpPort} (RFC 6544). UDP always outranks TCP (see
     * {@link #HOST_TCP_TYPE_PREFERENCE}); among addresses of one transport, earlier ones rank higher. Foundations
     * are "1", "2", ... in the returned order: each candidate has its own base address and protocol, so none share
     * one (RFC 8445 §5.1.1.3).
     *
     * @param addresses the public addresses clients reach the server on (loopback in tests); IPv4 and IPv6
     * @throws IllegalArgumentException if the list is empty or has more than 64 addresses, holds a wildcard or
     *                                  multicast address, or a port is out of range
     */
    public static List<IceCandidate> hostCandidates(List<InetAddress> addresses, int udpPort, int tcpPort) {
        checkPort("TCP port", tcpPort);
        return build(addresses, udpPort, tcpPort);
    }

    private static List<IceCandidate> build(List<InetAddress> addresses, int udpPort, int tcpPort) {
        checkPort("UDP port", udpPort);
        if (addresses.isEmpty() || addresses.size() > 64) {
            throw new IllegalArgumentException("need 1..64 candidate addresses, got " + addresses.size());
        }
        List<IceCandidate> candidates = new ArrayList<>(addresses.size() * 2);
        for (int i = 0; i < addresses.size(); i++) {
            InetAddress ip = Objects.requireNonNull(addresses.get(i), "address");
            if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
                throw new IllegalArgumentException("a host candidate needs the address clients reach, not "
                        + ip.getHostAddress() + "; configure the server's public IP");
            }
            String text = formatAddress(ip);
            candidates.add(new IceCandidate(Integer.toString(candidates.size() + 1), RTP_COMPONENT, Transport.UDP,
                    priority(HOST_UDP_TYPE_PREFERENCE, 65535 - i, RTP_COMPONENT), text, udpPort, Type.HOST, null, -1,
                    null, Map.of()));
            if (tcpPort >= 0) {
                int localPreference = (PASSIVE_DIRECTION_PREFERENCE << 13) + (8191 - i);
                candidates.add(new IceCandidate(Integer.toString(candidates.size() + 1), RTP_COMPONENT,
                        Transport.TCP, priority(HOST_TCP_TYPE_PREFERENCE, localPreference, RTP_COMPONENT), text,
                        tcpPort, Type.HOST, null, -1, TcpType.PASSIVE, Map.of()));
            }
        }
        return Collections.unmodifiableList(candidates);
    }

    private static void checkPort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 1..65535, got " + port);
        }
    }

    /** An address as SDP should show it: dotted quad, or RFC 5952 compressed IPv6 without a scope. */
    static String formatAddress(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        byte[] bytes = ip.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        // RFC 5952 §4.2: shorten the longest run of two or more zero groups, the first if tied.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int run = 0;
            while (i + run < 8 && groups[i + run] == 0) {
                run++;
            }
            if (run > bestLength) {
                bestStart = i;
                bestLength = run;
            }
            i += run;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    // ---- parsing ----

    /**
     * Parses a candidate as SDP or {@code RTCIceCandidate.candidate} gives it: with or without a leading
     * {@code a=}, starting {@code candidate:}. Host names (mDNS) are kept as text, never resolved.
     *
     * @throws IceCandidateException naming the bad field, for anything that does not follow RFC 8839 §5.1 or uses a
     *                               transport other than UDP/TCP or an unknown type
     */
    public static IceCandidate parse(String line) throws IceCandidateException {
        Objects.requireNonNull(line, "line");
        if (line.length() > MAX_LINE_LENGTH) {
            throw new IceCandidateException("candidate line of " + line.length() + " characters exceeds "
                    + MAX_LINE_LENGTH);
        }
        String text = line.strip();
        if (text.startsWith("a=")) {
            text = text.substring(2);
        }
        if (!text.startsWith("candidate:")) {
            throw error(line, "must start with 'candidate:'");
        }
        String[] fields = text.substring("candidate:".length()).split(" +", -1);
        if (fields.length < 8) {
            throw error(line, "needs at least 8 fields (foundation component transport priority address port"
                    + " typ type), got " + fields.length);
        }
        String foundation = fields[0];
        if (foundation.isEmpty() || foundation.length() > 32 || !foundation.chars().allMatch(
                c -> IceCredentials.isIceChar((char) c))) {
            throw error(line, "foundation must be 1..32 letters, digits, '+' or '/', got '" + foundation + "'");
        }
        int component = (int) parseNumber(line, "component", fields[1], 3, 1, 256);
        Transport transport = switch (fields[2].toLowerCase(Locale.ROOT)) {
            case "udp" -> Transport.UDP;
            case "tcp" -> Transport.TCP;
            default -> throw error(line, "transport must be udp or tcp, got '" + fields[2] + "'");
        };
        long priority = parseNumber(line, "priority", fields[3], 10, 0, 0xFFFF_FFFFL);
        String address = parseAddress(line, "connection address", fields[4]);
        int port = (int) parseNumber(line, "port", fields[5], 5, 0, 65535);
        if (!fields[6].equals("typ")) {
            throw error(line, "expected 'typ' after the port, got '" + fields[6] + "'");
        }
        Type type = parseType(line, fields[7]);
        if ((fields.length - 8) % 2 != 0) {
            throw error(line, "extensions must come as name-value pairs; '" + fields[fields.length - 1]
                    + "' has no value");
        }
        String relatedAddress = null;
        int relatedPort = -1;
        TcpType tcpType = null;
        Map<String, String> extensions = new LinkedHashMap<>();
        for (int i = 8; i < fields.length; i += 2) {
            String name = fields[i];
            String value = fields[i + 1];
            switch (name) {
                case "raddr" -> relatedAddress = parseAddress(line, "raddr", value);
                case "rport" -> relatedPort = (int) parseNumber(line, "rport", value, 5, 0, 65535);
                case "tcptype" -> tcpType = parseTcpType(line, value);
                default -> {
                    if (name.isEmpty() || value.isEmpty()) {
                        throw error(line, "empty extension name or value");
                    }
                    extensions.putIfAbsent(name, value);
                }
            }
        }
        if (transport == Transport.UDP && tcpType != null) {
            throw error(line, "a udp candidate cannot have a tcptype");
        }
        return new IceCandidate(foundation, component, transport, priority, address, port, type, relatedAddress,
                relatedPort, tcpType, Collections.unmodifiableMap(extensions));
    }

    private static long parseNumber(String line, String field, String text, int maxDigits, long min, long max)
            throws IceCandidateException {
        if (text.isEmpty() || text.length() > maxDigits) {
            throw error(line, field + " must have 1.." + maxDigits + " digits, got '" + text + "'");
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw error(line, field + " must be a decimal number, got '" + text + "'");
            }
            value = value * 10 + (c - '0');
        }
        if (value < min || value > max) {
            throw error(line, field + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    private static Type parseType(String line, String text) throws IceCandidateException {
        for (Type type : Type.values()) {
            if (type.sdpName.equals(text)) {
                return type;
            }
        }
        throw error(line, "candidate type must be host, srflx, prflx or relay, got '" + text + "'");
    }

    private static TcpType parseTcpType(String line, String text) throws IceCandidateException {
        for (TcpType tcpType : TcpType.values()) {
            if (tcpType.sdpName.equals(text)) {
                return tcpType;
            }
        }
        throw error(line, "tcptype must be active, passive or so, got '" + text + "'");
    }

    /** Accepts an IPv4 or IPv6 literal or a host name, without resolving anything. */
    private static String parseAddress(String line, String field, String text) throws IceCandidateException {
        if (text.isEmpty() || text.length() > 253) {
            throw error(line, field + " must have 1..253 characters, got " + text.length());
        }
        if (text.indexOf(':') >= 0) {
            if (ipv6Literal(text) == null) {
                throw error(line, field + " '" + text + "' is not an IPv6 address");
            }
            return text;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hostChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.';
            if (!hostChar) {
                throw error(line, field + " '" + text + "' is neither an IP address nor a host name");
            }
        }
        if (looksNumeric(text) && ipv4Literal(text) == null) {
            throw error(line, field + " '" + text + "' is not an IPv4 address");
        }
        return text;
    }

    private static boolean looksNumeric(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** A dotted-quad literal, or null: exactly four decimal parts 0..255, no leading '+' or odd forms. */
    private static InetAddress ipv4Literal(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !looksNumeric(part) || part.indexOf('.') >= 0) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return byAddress(bytes);
    }

    /** An IPv6 literal, or null; never a DNS query (brackets make the JDK treat the text as a literal only). */
    private static InetAddress ipv6Literal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean literalChar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == ':' || c == '.';
            if (!literalChar) {
                return null;
            }
        }
        try {
            InetAddress ip = InetAddress.getByName("[" + text + "]");
            return ip instanceof Inet6Address || ip instanceof Inet4Address ? ip : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static IceCandidateException error(String line, String what) {
        String quoted = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return new IceCandidateException("bad ICE candidate '" + quoted + "': " + what);
    }

    // ---- accessors ----

    /** The foundation: candidates sharing one can be frozen together (RFC 8445 §5.1.1.3). */
    public String foundation() {
        return foundation;
    }

    /** The component, 1 for RTP (and RTCP, muxed). */
    public int component() {
        return component;
    }

    /** UDP or TCP. */
    public Transport transport() {
        return transport;
    }

    /** The priority, 0..2^32-1. */
    public long priority() {
        return priority;
    }

    /** The connection address as written: an IP literal or a host name (e.g. an mDNS {@code .local} name). */
    public String address() {
        return address;
    }

    /** The port; 9 (discard) for active TCP candidates, which have none. */
    public int port() {
        return port;
    }

    /** The candidate type. */
    public Type type() {
        return type;
    }

    /** The related address ({@code raddr}), if given. */
    public Optional<String> relatedAddress() {
        return Optional.ofNullable(relatedAddress);
    }

    /** The related port ({@code rport}), or -1 if not given. */
    public int relatedPort() {
        return relatedPort;
    }

    /** The TCP type of a TCP candidate, if given. */
    public Optional<TcpType> tcpType() {
        return Optional.ofNullable(tcpType);
    }

    /** Other extensions in line order (e.g. {@code generation}, {@code ufrag}, {@code network-id}); unmodifiable. */
    public Map<String, String> extensions() {
        return extensions;
    }

    /**
     * The address and port, if the address is an IP literal (not a host name). Resolves nothing; allocates.
     */
    public Optional<InetSocketAddress> socketAddress() {
        InetAddress ip = address.indexOf(':') >= 0 ? ipv6Literal(address) : ipv4Literal(address);
        return ip == null ? Optional.empty() : Optional.of(new InetSocketAddress(ip, port));
    }

    // ---- formatting ----

    /** The candidate as {@code RTCIceCandidate.candidate} and SDP after {@code a=} have it: {@code candidate:...}. */
    public String toCandidateString() {
        StringBuilder text = new StringBuilder(96).append("candidate:").append(foundation).append(' ')
                .append(component).append(' ').append(transport.name().toLowerCase(Locale.ROOT)).append(' ')
                .append(priority).append(' ').append(address).append(' ').append(port)
                .append(" typ ").append(type.sdpName);
        if (relatedAddress != null) {
            text.append(" raddr ").append(relatedAddress);
        }
        if (relatedPort >= 0) {
            text.append(" rport ").append(relatedPort);
        }
        if (tcpType != null) {
            text.append(" tcptype ").append(tcpType.sdpName);
        }
        for (Map.Entry<String, String> extension : extensions.entrySet()) {
            text.append(' ').append(extension.getKey()).append(' ').append(extension.getValue());
        }
        return text.toString();
    }

    /** The SDP line, {@code a=candidate:...}. */
    public String toSdpLine() {
        return "a=" + toCandidateString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IceCandidate that && toCandidateString().equals(that.toCandidateString());
    }

    @Override
    public int hashCode() {
        return toCandidateString().hashCode();
    }

    @Override
    public String toString() {
        return toCandidateString();
    }
}
