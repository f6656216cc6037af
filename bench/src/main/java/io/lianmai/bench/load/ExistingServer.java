package io.lianmai.bench.load;

import io.lianmai.common.SdkAppId;
import java.net.URI;
import java.util.OptionalLong;

/** A server that already runs ({@code --url}, {@code --sdkappid}, {@code --secret}, optionally {@code --pid}). */
record ExistingServer(URI baseUrl, SdkAppId sdkAppId, String secretKey, OptionalLong pid) implements ServerTarget {
    @Override
    public String describe() {
        return "existing server at " + baseUrl
                + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : " (pid unknown)");
    }

    @Override
    public void close() {
    }
}
