/**
 * Operator commands over what the server writes: {@link io.ringcast.ops.LatencyReport}, the {@code latency-report}
 * command ({@code ops/latency-report}).
 */
package io.ringcast.ops;
