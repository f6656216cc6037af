package io.lianmai.server.sdk;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The SDK core's network quality grading (TRTC's levels 0..6 from loss, RTT, jitter and RTMP's throughput shortfall),
 * checked at every threshold by {@code sdk/test/check-network-quality.js} in Node, where the SDK runs.
 */
class NetworkQualityLevelsTest {
    @Test
    void eachMeasureIsGradedAtItsThresholdsAndTheWorstWins() throws Exception {
        Path root = SdkDeclarationsTest.repositoryRoot();
        NodeScript.assertPasses(NodeScript.node(), root.resolve("sdk/test/check-network-quality.js"), root.toString());
    }
}
