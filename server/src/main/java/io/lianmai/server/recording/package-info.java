/**
 * Cloud recording (TRTC's {@code CreateCloudRecording} and its siblings): tasks that record a room's members' streams
 * into files ({@link io.lianmai.server.recording.CloudRecordings}), persisted in the app database, with the files in
 * a {@link io.lianmai.server.recording.RecordingStorage}. See docs/recording.md.
 */
package io.lianmai.server.recording;
