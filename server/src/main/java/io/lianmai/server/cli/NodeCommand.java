package io.lianmai.server.cli;

import io.lianmai.server.cluster.ClusterNode;
import io.lianmai.server.cluster.RedisCluster;
import io.lianmai.server.config.ClusterConfig;
import io.lianmai.server.config.LianmaiConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lianmai node list|drain|undrain}: the nodes of a cluster as its Redis registry shows them, and the drain of
 * one (docs/cluster.md). Reads and writes Redis only, so it runs anywhere that reaches it.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "The nodes of a cluster: list them, drain one (docs/cluster.md).",
        subcommands = {NodeCommand.ListNodes.class, NodeCommand.Drain.class, NodeCommand.Undrain.class})
final class NodeCommand implements Runnable {
    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "node needs a subcommand: list, drain, undrain");
    }

    /** Where the cluster's Redis is: {@code --cluster URI}, else {@code cluster.redis} from the configuration. */
    static final class Where {
        /** A fresh JVM's first connection takes longer than a running node's requests. */
        private static final long CLI_TIMEOUT_MILLIS = 8000;

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--cluster", paramLabel = "REDIS_URI",
                description = "The cluster's Redis, e.g. redis://10.0.0.5:6379 (default: cluster.redis).")
        String cluster;

        <T> T withRedis(CliContext context, java.util.function.Function<RedisCluster, Future<T>> action) {
            URI uri;
            if (cluster != null) {
                try {
                    uri = new URI(cluster.strip());
                } catch (java.net.URISyntaxException e) {
                    throw new CommandFailure("--cluster must be redis://[:password@]host:port[/db]");
                }
            } else {
                LianmaiConfig config = configOptions.load(context, Map.of());
                uri = config.cluster().redis().orElseThrow(() -> new CommandFailure("no cluster: give --cluster "
                        + "redis://host:port or set cluster.redis"));
            }
            ClusterConfig config = new ClusterConfig(Optional.of(uri), "cli", new byte[0], Optional.empty(),
                    Duration.ofSeconds(1), Duration.ofSeconds(4), false, 100, 10_000, 32);
            Vertx vertx = Vertx.vertx();
            RedisCluster redis = RedisCluster.connect(vertx, config, CLI_TIMEOUT_MILLIS);
            try {
                return action.apply(redis).toCompletionStage().toCompletableFuture().get(CLI_TIMEOUT_MILLIS + 2000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IllegalArgumentException) {
                    throw new CommandFailure(cause.getMessage());
                }
                throw new CommandFailure("cannot reach the cluster's Redis at " + ClusterConfig.withoutPassword(uri)
                        + ": " + cause);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new CommandFailure("the cluster's Redis at " + ClusterConfig.withoutPassword(uri)
                        + " did not answer within " + (CLI_TIMEOUT_MILLIS + 2000) / 1000 + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted");
            } finally {
                redis.close();
                vertx.close();
            }
        }
    }

    /** {@code lianmai node list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the live nodes with their load and state.")
    static final class ListNodes implements Callable<Integer> {
        @ParentCommand
        NodeCommand node;

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Override
        public Integer call() {
            List<ClusterNode> nodes = where.withRedis(node.root.context(), RedisCluster::nodes);
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-24s %-9s %-32s %6s %8s %9s %10s %5s %s%n";
            out.printf(format, "NODE", "STATE", "URL", "ROOMS", "MEMBERS", "SESSIONS", "OUT_MBPS", "CPU", "VERSION");
            for (ClusterNode each : nodes) {
                out.printf(Locale.ROOT, format, each.id(), each.draining() ? "draining" : "serving", each.url(),
                        each.rooms(), each.members(), each.sessions(),
                        String.format(Locale.ROOT, "%.2f", each.bitrateOutBps() / 1e6),
                        each.cpu() < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", each.cpu() * 100), each.version());
            }
            out.flush();
            return 0;
        }
    }

    /** {@code lianmai node drain NODE [--wait SECONDS]}. */
    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Drain a node: it takes no new rooms and moves its members to other nodes (their clients "
                    + "reconnect there, told by the server). It stays drained until it restarts or is undrained.")
    static final class Drain implements Callable<Integer> {
        @ParentCommand
        NodeCommand node;

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(paramLabel = "NODE", description = "The node's id (lianmai node list).")
        String nodeId;

        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
                description = "Wait up to this long for the node to hold no members (0: do not wait).")
        int waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            where.withRedis(node.root.context(), redis -> redis.drain(nodeId));
            PrintWriter out = spec.commandLine().getOut();
            out.println("draining " + nodeId + ": it takes no new rooms and moves its members away");
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(0, waitSeconds));
            while (waitSeconds > 0) {
                Optional<ClusterNode> state = where.withRedis(node.root.context(), RedisCluster::nodes).stream()
                        .filter(each -> each.id().equals(nodeId)).findFirst();
                if (state.isEmpty() || state.get().draining() && state.get().members() == 0) {
                    out.println(nodeId + " holds no members");
                    out.flush();
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    out.println(nodeId + " still holds " + state.get().members() + " member(s) after "
                            + waitSeconds + " s");
                    out.flush();
                    return 1;
                }
                Thread.sleep(500);
            }
            return 0;
        }
    }

    /** {@code lianmai node undrain NODE}. */
    @Command(name = "undrain", mixinStandardHelpOptions = true,
            description = "Withdraw a drain order: the node takes new rooms again.")
    static final class Undrain implements Callable<Integer> {
        @ParentCommand
        NodeCommand node;

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(paramLabel = "NODE", description = "The node's id.")
        String nodeId;

        @Override
        public Integer call() {
            boolean was = where.withRedis(node.root.context(), redis -> redis.undrain(nodeId));
            spec.commandLine().getOut().println(was ? nodeId + " takes new rooms again" : nodeId + " was not drained");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
