/** MPEG-4 AAC stream configuration ({@link io.lianmai.codec.aac.AudioSpecificConfig}) for FLV sequence headers. */
package io.lianmai.codec.aac;
