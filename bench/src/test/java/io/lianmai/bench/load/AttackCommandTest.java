package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The attack suite's command line, its selection of attacks and the bytes its hand-written clients send. */
class AttackCommandTest {
    @Test
    void namedAttacksRunInSuiteOrderAndAnUnknownNameIsAnErrorThatListsTheAttacks() {
        assertThat(AttackSuite.select(List.of("slow-rtmp", "permissions")).stream().map(Attack::name))
                .containsExactly("permissions", "slow-rtmp");
        assertThat(AttackSuite.select(List.of())).hasSize(13);
        assertThatThrownBy(() -> AttackSuite.select(List.of("nack-strom")))
                .hasMessageContaining("no attack named 'nack-strom'").hasMessageContaining("nack-storm");
    }

    @Test
    void shortScaleAndBoundsComeFromTheOptions() {
        AttackCommand command = new AttackCommand();
        new CommandLine(command).parseArgs("--short", "--max-rss", "1536M", "--max-added-p99", "80ms",
                "--ws-close-within", "40s", "whip-flood");
        AttackSuite.Settings settings = command.settings();
        assertThat(settings.scale().name()).isEqualTo("short");
        assertThat(settings.scale().whipFloodCount()).isLessThan(AttackScale.FULL.whipFloodCount());
        assertThat(settings.scale().wsCloseWithin()).isEqualTo(Duration.ofSeconds(40));
        assertThat(settings.scale().rtmpCloseWithin()).isEqualTo(AttackScale.SHORT.rtmpCloseWithin());
        assertThat(settings.bounds().maxRssMb()).isEqualTo(1536);
        assertThat(settings.bounds().maxAddedP99Millis()).isEqualTo(80);
        assertThat(settings.bounds().maxThreads()).isEqualTo(200);
        assertThat(settings.recovery()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.names()).containsExactly("whip-flood");
    }

    @Test
    void theFullScaleIsTheIssues() {
        AttackScale full = AttackScale.FULL;
        assertThat(full.whipFloodCount()).isEqualTo(5_000);
        assertThat(full.whipFloodSeconds()).isEqualTo(10);
        assertThat(full.anonymousCount()).isEqualTo(2_000);
        assertThat(full.rtmpConnections()).isEqualTo(500);
        assertThat(full.wsSockets()).isEqualTo(1_000);
        assertThat(full.stunPorts()).isEqualTo(10_000);
    }

    @Test
    void sizesParse() {
        assertThat(AttackCommand.megabytes("1.5G")).isEqualTo(1536);
        assertThat(AttackCommand.megabytes("512m")).isEqualTo(512);
        assertThatThrownBy(() -> AttackCommand.megabytes("lots")).hasMessageContaining("not a size");
    }

    @Test
    void theSlowRtmpClientSetsTheLargestChunkSizeAndDeclaresAMessageItNeverFinishes() {
        ByteBuffer b = ByteBuffer.wrap(SlowRtmpAttack.partialMessage());
        // Set Chunk Size: fmt 0, chunk stream 2, length 4, type 1, then the size.
        assertThat(b.get(0)).isEqualTo((byte) 0x02);
        assertThat(b.get(7)).isEqualTo((byte) 1);
        assertThat(b.getInt(12)).isEqualTo(0xFF_FFFF);
        // The command: fmt 0, chunk stream 3, 24-bit length 0xFFFFFF, type 20, with only 1 KiB after the header.
        assertThat(b.get(16)).isEqualTo((byte) 0x03);
        assertThat(((b.get(20) & 0xFF) << 16) | ((b.get(21) & 0xFF) << 8) | (b.get(22) & 0xFF)).isEqualTo(0xFF_FFFF);
        assertThat(b.get(23)).isEqualTo((byte) 20);
        assertThat(b.capacity() - 28).isEqualTo(1024);
    }

    @Test
    void theSignatureIsLowercaseHexMd5() {
        assertThat(ServerCli.md5Hex("abc")).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
    }
}
