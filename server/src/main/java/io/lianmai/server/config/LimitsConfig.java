package io.lianmai.server.config;

/**
 * Admission limits: how many sessions this node, one app, one user and one source address may hold, and how fast
 * one address or one app may start new ones (docs/security.md, Admission limits).
 *
 * @param maxSessions sessions on this node (WHIP, WHEP, {@code /ws} memberships, RTMP publications)
 * @param maxSessionsPerApp sessions of one SDKAppID
 * @param maxSessionsPerUser sessions of one userID of one app
 * @param maxSessionsPerIp sessions from one source address
 * @param joinsPerSecondPerIp new sessions per second from one source address (sustained)
 * @param joinBurstPerIp new sessions one source address may start at once
 * @param joinsPerSecondPerApp new sessions per second of one app (sustained)
 * @param joinBurstPerApp new sessions one app may start at once
 * @param trackedAddresses source addresses whose join rate is remembered; the least recently seen is forgotten
 */
public record LimitsConfig(int maxSessions, int maxSessionsPerApp, int maxSessionsPerUser, int maxSessionsPerIp,
        double joinsPerSecondPerIp, int joinBurstPerIp, double joinsPerSecondPerApp, int joinBurstPerApp,
        int trackedAddresses) {
}
