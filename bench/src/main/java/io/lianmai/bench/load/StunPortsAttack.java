package io.lianmai.bench.load;

import io.lianmai.media.ice.ConnectivityCheck;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.ice.MessageIntegrity;
import io.lianmai.media.ice.StunMessageWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Valid ICE connectivity checks for one ordinary session from thousands of source ports (the spoofing an attacker on
 * the path can do), opened and closed in batches: each address that passes a check may cost the session an entry
 * in its address tables. The session must keep working, and the server's memory stay bounded.
 */
final class StunPortsAttack implements Attack {
    private static final int BATCH = 250;
    private static final long PRIORITY = (110L << 24) | (65_535L << 8) | 255;

    @Override
    public String name() {
        return "stun-ports";
    }

    @Override
    public String description(AttackScale scale) {
        return "valid STUN binding requests for one session from " + scale.stunPorts() + " source ports, in batches"
                + " of " + BATCH;
    }

    @Override
    public String expectation(AttackScale scale) {
        return "the session still gets its media afterwards";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return scale.stunSeconds() + 35;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        PublisherPeer source = context.call.publishers().get(1);
        SubscriberPeer victim = context.player("stunned", source.streamId());
        SecureRandom random = new SecureRandom();
        try {
            InetSocketAddress server = victim.serverAddress();
            MessageIntegrity integrity = MessageIntegrity.forPassword(victim.serverIcePassword());
            String username = victim.iceUsername();
            byte[] out = new byte[512];
            ByteBuffer in = ByteBuffer.allocate(1500);
            long deadline = System.nanoTime() + context.scale.stunSeconds() * 1_000_000_000L;
            int sent = 0;
            int answered = 0;
            while (sent < context.scale.stunPorts() && System.nanoTime() < deadline) {
                List<DatagramChannel> batch = new ArrayList<>();
                try {
                    for (int i = 0; i < BATCH && sent < context.scale.stunPorts(); i++) {
                        DatagramChannel channel = DatagramChannel.open();
                        batch.add(channel);
                        channel.bind(new InetSocketAddress("127.0.0.1", 0));
                        channel.configureBlocking(false);
                        ConnectivityCheck check = new ConnectivityCheck(ConnectivityCheck.randomTransactionId(random),
                                username, PRIORITY, IceRole.CONTROLLING, random.nextLong(), false);
                        int len = StunMessageWriter.writeBindingRequest(out, 0, check, integrity);
                        channel.send(ByteBuffer.wrap(out, 0, len), server);
                        sent++;
                        outcome.sent();
                    }
                    long wait = System.nanoTime() + 300_000_000L;
                    boolean[] seen = new boolean[batch.size()];
                    int seenCount = 0;
                    while (seenCount < batch.size() && System.nanoTime() < wait) {
                        for (int i = 0; i < batch.size(); i++) {
                            if (!seen[i]) {
                                in.clear();
                                if (batch.get(i).receive(in) != null && in.position() > 0
                                        && (in.get(0) & 0xFF) <= 3) {
                                    seen[i] = true;
                                    seenCount++;
                                }
                            }
                        }
                        Thread.sleep(5);
                    }
                    answered += seenCount;
                } finally {
                    for (DatagramChannel channel : batch) {
                        try {
                            channel.close();
                        } catch (IOException e) {
                            // Nothing to do.
                        }
                    }
                }
            }
            for (int i = 0; i < answered; i++) {
                outcome.count("answered");
            }
            for (int i = 0; i < sent - answered; i++) {
                outcome.count("unanswered");
            }
            long m0 = context.onAttackerLoop(() -> victim.rtpPacketsIn);
            Thread.sleep(1_000);
            long m1 = context.onAttackerLoop(() -> victim.rtpPacketsIn);
            boolean working = m1 > m0 && victim.state() == SimulatedPeer.State.CONNECTED;
            String detail = answered + " of " + sent + " source ports answered; afterwards the session "
                    + (working ? "still gets media (" + (m1 - m0) + " packets in 1 s)" : "gets no media");
            return working ? Verdict.pass(detail) : Verdict.fail(detail);
        } finally {
            context.leave(victim);
        }
    }
}
