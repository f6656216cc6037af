package io.lianmai.server.config;

import java.util.regex.Pattern;

/** Recognises IP address literals without resolving anything (a host name would trigger a DNS lookup). */
final class InetAddresses {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]+(%[\\w.]+)?");

    private InetAddresses() {
    }

    static boolean isLiteral(String text) {
        return IPV4.matcher(text).matches() || (text.contains(":") && IPV6.matcher(text).matches());
    }
}
