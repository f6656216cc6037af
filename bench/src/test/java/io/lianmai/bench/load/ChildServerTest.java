package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --server-cpus} reaches {@code taskset} only as a CPU list: anything else is refused before a process starts. */
class ChildServerTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "all", "0;reboot", "0 1", "-1", "0,", "1-", "0,$(id)", "0\n1"})
    void aCpuListThatIsNotOneIsRefusedWithTheOptionsName(String cpus, @TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("server.jar"));
        assertThatThrownBy(() -> ChildServer.start(jar, "", List.of(), cpus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--server-cpus");
    }
}
