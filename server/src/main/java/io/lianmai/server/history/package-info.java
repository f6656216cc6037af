/**
 * Room and member history (issue 15): a {@link io.lianmai.server.history.HistoryRecorder} observes the rooms and a
 * {@link io.lianmai.server.history.QualitySampler} reads the media plane's player counters every few seconds; both
 * hand their rows to a bounded writer queue, so no room and no media thread ever waits for the database. TRTC's
 * call-quality actions ({@code DescribeRoomInfo} and others, in {@code io.lianmai.server.api}) read what they wrote.
 */
package io.lianmai.server.history;
