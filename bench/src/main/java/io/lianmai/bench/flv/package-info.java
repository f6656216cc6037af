/**
 * {@code lianmai bench flv}: many cheap HTTP-FLV or RTMP players on one live stream pushed by ffmpeg, against Lianmai
 * and, back to back with the same input and players, SRS and nginx-rtmp; CPU and memory read from each server's
 * process.
 */
package io.lianmai.bench.flv;
