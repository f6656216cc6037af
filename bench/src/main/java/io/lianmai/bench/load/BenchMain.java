package io.lianmai.bench.load;

/** Entry point of {@code lianmai bench} (the launcher runs it from the benchmarks jar). */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(BenchCommand.commandLine().execute(args));
    }
}
