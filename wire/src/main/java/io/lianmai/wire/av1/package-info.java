/** The AV1 RTP payload format (AOMedia "RTP Payload Format for AV1"): the aggregation header, read in place. */
package io.lianmai.wire.av1;
